// Study benchmark (issue 18: the default study in ≤ 60 s wall on 2 cores): runs `expbook run
// experiments/spam-ft-vs-rag.json` twice on fresh stores, first with an empty derived cache (cold),
// then with the cache the first run filled (warm), and prints for each the wall time, the CPU time
// of the process tree, the load average before and after, the per-phase split (set-up, each study
// phase, finishing) and each system's mean run seconds. Then it runs the same study, cold, with the
// parent commit (`--vs=REF` another commit; `--vs=none` skips it), built from `git archive` in a
// temporary folder, prints its wall time and run seconds beside this tree's, and checks that every
// final run's test_ metrics equal the parent's (matched by system, seed and size). The date and the
// machine head the output. `--study=PATH` benchmarks another study; `--workers=N` passes --workers.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { benchFlag } from "./bench-flag.js";
import { line } from "./print.js";

const repo = new URL("../", import.meta.url).pathname;
const studyPath = benchFlag("study") ?? "experiments/spam-ft-vs-rag.json";
const workers = benchFlag("workers");
const vs = benchFlag("vs") ?? "HEAD~1";
const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
// CPU seconds (user + system) of the waited-for children, from /proc (Linux; 10 ms ticks).
const childCpuSeconds = (): number => {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
};

interface ListedRun {
  name: string;
  status: string;
  summary: Record<string, number | string | boolean>;
  startedAt: string;
  endedAt: string | null;
  tags: Record<string, string | boolean>;
}

interface Timed {
  wall: number;
  cpu: number;
  loadBefore: string;
  loadAfter: string;
  phases: Array<{ name: string; seconds: number }>;
  systems: Map<string, number[]>;
  /** Each final run's test_ metrics, by system, seed and size (from the run name). */
  tests: Map<string, Record<string, unknown>>;
  failed: number;
}

/** Runs the study once (stderr parsed for phase lines, each timestamped on arrival). */
async function timeStudy(cache: string, store: string, root = repo): Promise<Timed> {
  const loadBefore = load();
  const cpuBefore = childCpuSeconds();
  const args = [join(root, "bin", "expbook.js"), "run", studyPath, "--store", store, "--no-report"];
  if (workers) args.push("--workers", workers);
  const start = performance.now();
  const marks: Array<{ name: string; at: number }> = [];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, EXPBOOK_DERIVED_CACHE: cache },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let pending = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    const now = performance.now();
    stderr += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const text of lines) {
      // "<study>: <phase>: N run(s)[, M already done (reused)]" opens a phase.
      const match = /^[^:]+: (.+): \d+ run\(s\)/.exec(text);
      // Runs that build on others and start as those finish belong to the phase they run in.
      if (match && !match[1]?.endsWith("as their runs finish"))
        marks.push({ name: match[1] as string, at: now });
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const end = performance.now();
  if (code !== 0 && code !== 1) throw new Error(`expbook run exited ${code}: ${stderr.slice(-2000)}`);
  const cpu = childCpuSeconds() - cpuBefore;
  const phases = [{ name: "set-up (load, split, plan)", seconds: ((marks[0]?.at ?? end) - start) / 1000 }];
  marks.forEach((mark, i) => {
    phases.push({ name: mark.name, seconds: ((marks[i + 1]?.at ?? end) - mark.at) / 1000 });
  });
  const listed = spawnSync(
    process.execPath,
    [join(repo, "bin", "expbook.js"), "ls", "--store", store, "--json"],
    {
      cwd: repo,
      maxBuffer: 1 << 28,
    },
  );
  const runs = JSON.parse(listed.stdout.toString()) as ListedRun[];
  const systems = new Map<string, number[]>();
  const tests = new Map<string, Record<string, unknown>>();
  let failed = 0;
  for (const run of runs) {
    if (run.tags.stage === "study") continue;
    if (run.status !== "finished") failed++;
    if (!run.endedAt) continue;
    const system = String(run.tags.system ?? run.name);
    if (run.tags.stage === "final") {
      tests.set(
        run.name,
        Object.fromEntries(Object.entries(run.summary).filter(([name]) => name.startsWith("test_"))),
      );
    }
    const seconds = (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
    systems.set(system, [...(systems.get(system) ?? []), seconds]);
  }
  return { wall: (end - start) / 1000, cpu, loadBefore, loadAfter: load(), phases, systems, tests, failed };
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

const build = (root: string): void => {
  const built = spawnSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    { cwd: root, stdio: "inherit" },
  );
  if (built.status !== 0) throw new Error(`the build in ${root} failed`);
};

/** Checks out `ref` into `dir` (git archive) sharing this tree's node_modules and cache, and builds it. */
const checkout = (ref: string, dir: string): string => {
  const commit = spawnSync("git", ["rev-parse", "--short", ref], { cwd: repo }).stdout.toString().trim();
  if (!commit) throw new Error(`--vs=${ref} names no commit`);
  const archive = spawnSync("sh", ["-c", `git archive ${commit} | tar -x -C '${dir}'`], { cwd: repo });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
  // The same word-vector and dataset caches (the derived cache is set per run).
  symlinkSync(join(repo, ".cache"), join(dir, ".cache"));
  build(dir);
  return commit;
};

/** The runs whose test_ metrics differ between two studies (or are missing from one). */
const testDifferences = (a: Timed, b: Timed): string[] =>
  [...new Set([...a.tests.keys(), ...b.tests.keys()])].filter(
    (name) => JSON.stringify(a.tests.get(name)) !== JSON.stringify(b.tests.get(name)),
  );

const work = mkdtempSync(join(tmpdir(), "expbook-bench-study-"));
try {
  build(repo);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  line(`${new Date().toISOString()}, ${availableParallelism()} cores (${cpu}), study ${studyPath}`);
  line("(the load average is printed beside every figure: on a busy machine the seconds are inflated)");
  const cache = join(work, "derived");
  const results: Array<{ label: string; timed: Timed }> = [];
  for (const label of ["cold cache", "warm cache"]) {
    const timed = await timeStudy(cache, join(work, `store-${results.length}`));
    results.push({ label, timed });
    line(
      `${label}: ${timed.wall.toFixed(1)} s wall, ${timed.cpu.toFixed(1)} s CPU (process tree)` +
        `${timed.failed > 0 ? `, ${timed.failed} run(s) not finished` : ""}; ` +
        `load average before ${timed.loadBefore}, after ${timed.loadAfter}`,
    );
    for (const phase of timed.phases)
      line(`  ${phase.name.padEnd(40)} ${phase.seconds.toFixed(1).padStart(7)} s`);
  }
  if (vs !== "none") {
    const parent = join(work, "parent");
    mkdirSync(parent);
    const commit = checkout(vs, parent);
    const timed = await timeStudy(join(work, "derived-parent"), join(work, "store-parent"), parent);
    results.push({ label: `${commit} cold`, timed });
    line(
      `${vs} (${commit}), cold cache: ${timed.wall.toFixed(1)} s wall, ${timed.cpu.toFixed(1)} s CPU` +
        `${timed.failed > 0 ? `, ${timed.failed} run(s) not finished` : ""}; ` +
        `load average before ${timed.loadBefore}, after ${timed.loadAfter}`,
    );
    const ours = results[0]?.timed as Timed;
    const differ = testDifferences(ours, timed);
    line(
      `test metrics of ${ours.tests.size} final runs equal to ${commit}'s: ${differ.length === 0}` +
        `${differ.length > 0 ? ` (differ: ${differ.join(", ")})` : ""}`,
    );
  }
  line("");
  line(`mean run seconds per system: ${results.map((r) => r.label).join(" / ")}`);
  const systems = [...(results[0]?.timed.systems.keys() ?? [])];
  for (const system of systems) {
    const figures = results.map((r) => {
      const values = r.timed.systems.get(system);
      return values ? mean(values).toFixed(1) : "-";
    });
    line(`  ${system.padEnd(24)} ${figures.map((f) => f.padStart(7)).join(" / ")}`);
  }
  const totals = results.map((r) => [...r.timed.systems.values()].flat().reduce((a, b) => a + b, 0));
  line(`  ${"sum of run seconds".padEnd(24)} ${totals.map((t) => t.toFixed(1).padStart(7)).join(" / ")}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
