// Paired rounds for the benchmarks that compare expbook with a peer: the contestants run in turn
// (A B A B …) for `--rounds=N` rounds (default 5), each is reported as best and median, and the ratio
// of bests is printed only when the machine was quiet (1-minute load average at most 0.5 per core
// before, and other processes using at most a quarter of the cores meanwhile: bench/other-cpu.ts) unless
// `--noisy` is given. A single paired run on a busy machine can show almost
// any ratio, because a peer's second thread collapses when another process takes a core.
import { availableParallelism, loadavg } from "node:os";

/** The flags the paired benchmarks read: `--rounds=N` (1 to 100) and `--noisy`. */
export interface RoundsFlags {
  rounds: number;
  noisy: boolean;
}

/** Reads `--rounds=N` and `--noisy` from the command line (`npm run bench -- finetune --rounds=3`). */
export function roundsFlags(argv: readonly string[] = process.argv.slice(2)): RoundsFlags {
  let rounds = 5;
  for (const arg of argv) {
    const match = /^--rounds=(\d+)$/.exec(arg);
    if (match) rounds = Number(match[1]);
  }
  if (!(rounds >= 1 && rounds <= 100)) {
    process.stderr.write(`bench: --rounds must be between 1 and 100, got ${rounds}; pass e.g. --rounds=3\n`);
    process.exit(2);
  }
  return { rounds, noisy: argv.includes("--noisy") };
}

/** The load average now, printed with the per-core figure; returns the 1-minute load per core. */
export function printLoad(when: string): number {
  const cores = availableParallelism();
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  const perCore = one / cores;
  process.stdout.write(
    `load average ${when}: ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} ` +
      `(${cores} cores, ${perCore.toFixed(2)} per core)\n`,
  );
  return perCore;
}

/** A contestant of a paired benchmark: `run` returns one figure (higher is better), or undefined when it cannot run. */
export interface Contestant {
  name: string;
  run: () => Promise<number | undefined> | number | undefined;
}

/** Best (largest) and median of figures. */
export function bestAndMedian(values: readonly number[]): { best: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { best: sorted[sorted.length - 1] as number, median };
}

/**
 * Runs the contestants in turn for `rounds` rounds and returns each one's figures (a contestant that
 * returns undefined once is dropped from later rounds).
 */
export async function alternate(
  contestants: readonly Contestant[],
  rounds: number,
): Promise<Map<string, number[]>> {
  const figures = new Map<string, number[]>(contestants.map((c) => [c.name, []]));
  const dropped = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    for (const contestant of contestants) {
      if (dropped.has(contestant.name)) continue;
      const value = await contestant.run();
      if (value === undefined || !Number.isFinite(value)) {
        dropped.add(contestant.name);
        figures.delete(contestant.name);
      } else {
        figures.get(contestant.name)?.push(value);
      }
    }
  }
  return figures;
}

/** Prints one line per contestant: best, median and every round's figure. */
export function printFigures(figures: Map<string, number[]>, unit: string): void {
  for (const [name, values] of figures) {
    const { best, median } = bestAndMedian(values);
    process.stdout.write(
      `${name.padEnd(44)} best ${best.toFixed(0)}, median ${median.toFixed(0)} ${unit} ` +
        `(rounds: ${values.map((v) => v.toFixed(0)).join(", ")})\n`,
    );
  }
}

/** Whether a paired benchmark's ratios may be printed: a quiet machine, or `--noisy`. */
export interface RatioGate {
  quiet: boolean;
  noisy: boolean;
}

/**
 * The gate for the ratios: quiet when the 1-minute load average per core was at most 0.5 before the
 * benchmark and other processes used at most 0.25 of each core while it ran (printed). The load average
 * after is printed but does not count: it mostly measures the benchmark's own peers.
 */
export function ratioGate(loadBefore: number, otherCpu: number | undefined, noisy: boolean): RatioGate {
  const shown = otherCpu === undefined ? "unknown" : `${otherCpu.toFixed(2)} per core`;
  process.stdout.write(`other processes' CPU while the benchmark ran: ${shown}\n`);
  return { quiet: loadBefore <= 0.5 && otherCpu !== undefined && otherCpu <= 0.25, noisy };
}

/**
 * Prints the ratio of bests `a / b`, or says why it is withheld: the machine was not quiet (see
 * `ratioGate`) and `--noisy` was not given.
 */
export function printRatio(figures: Map<string, number[]>, a: string, b: string, gate: RatioGate): void {
  const av = figures.get(a);
  const bv = figures.get(b);
  const label = `ratio of bests ${a} / ${b}`;
  if (!av || !bv) return;
  if (!gate.quiet && !gate.noisy) {
    process.stdout.write(`${label}: withheld, the machine was busy (pass --noisy to print it anyway)\n`);
    return;
  }
  const ratio = bestAndMedian(av).best / bestAndMedian(bv).best;
  process.stdout.write(`${label}: ${ratio.toFixed(2)}${gate.quiet ? "" : " (NOISY: machine was loaded)"}\n`);
}
