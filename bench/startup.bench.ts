// Start-up benchmark (targets from issue 12): cold-process times of `import "expbook/tracker"`
// (< 150 ms), `import "expbook"` (< 400 ms) and `node bin/expbook.js ls` over 100 runs (< 400 ms), each
// against the same command at another commit (default: the parent commit; `--against=REV`) built in a
// temporary folder in the same run. The two sides alternate; best and median of N (`--runs=N`, default 9).
// Each import also prints how many files it loads on both sides (a count the machine's load cannot move; a
// bundled dist/ holds many modules in one file).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { openTracker } from "../src/tracker/index.js";
import { importLoads } from "../tests/helpers/import-loads.js";
import { benchFlag } from "./bench-flag.js";
import { line } from "./print.js";

const repo = new URL("../", import.meta.url).pathname;
const against = benchFlag("against") ?? "HEAD^";
const runs = Number(benchFlag("runs") ?? 9);
// CPU time (user + system) of the waited-for children, from /proc (Linux; 10 ms ticks): on a busy
// machine it shows what the wall clock would be without the contention.
const childCpuMs = (): number => {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
};
const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

function mustRun(command: string, args: string[], options: { cwd?: string; input?: Buffer } = {}): Buffer {
  const result = spawnSync(command, args, { cwd: options.cwd, input: options.input, maxBuffer: 1 << 30 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr?.toString().slice(-2000)}`);
  }
  return result.stdout;
}

/** The file a package sub-path maps to in a checkout (older commits without the sub-path: its folder). */
function entryFile(root: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports?: Record<string, { default?: string } | string>;
  };
  const target = manifest.exports?.[subpath];
  const file = typeof target === "string" ? target : target?.default;
  return join(root, file ?? join("dist", subpath.slice(2), "index.js"));
}

const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
/** Builds a checkout's dist/ as that commit's `npm test` does: scripts/build.mjs (bundled), else `tsc`. */
function buildDist(root: string): void {
  const script = join(root, "scripts", "build.mjs");
  if (existsSync(script)) mustRun(process.execPath, [script], { cwd: root });
  else mustRun(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")]);
}
const work = mkdtempSync(join(tmpdir(), "expbook-bench-startup-"));
try {
  // This checkout, built as `npm test` builds it, and the other commit unpacked beside it, sharing
  // node_modules (the dependencies the two commits load are the same packages).
  buildDist(repo);
  const commit = mustRun("git", ["rev-parse", "--short", against], { cwd: repo }).toString().trim();
  const other = join(work, `expbook-${commit}`);
  mkdirSync(other);
  mustRun("tar", ["-x", "-C", other], { input: mustRun("git", ["archive", against], { cwd: repo }) });
  symlinkSync(join(repo, "node_modules"), join(other, "node_modules"), "dir");
  buildDist(other);

  // A store of 100 finished runs with params, summaries and short series.
  const store = join(work, "store");
  const tracker = await openTracker({ dir: store });
  for (let i = 0; i < 100; i++) {
    const run = await tracker.startRun({
      experiment: `bench-${i % 4}`,
      name: `trial ${i}`,
      params: { lr: 10 ** -(1 + (i % 3)), batchSize: 16 << (i % 3), model: { kind: "bag", dim: 100 } },
      tags: { baseline: i % 10 === 0 },
      seed: i,
    });
    for (let step = 0; step < 20; step++)
      run.logMany({ loss: 1 / (step + 1), val_loss: 1.1 / (step + 1) }, step);
    run.summary({ val_f1: 0.9 + i / 1000, test_f1: 0.89 + i / 1000 });
    await run.finish();
  }

  const entryUrl = (root: string, subpath: string): string => pathToFileURL(entryFile(root, subpath)).href;
  const importCommand = (root: string, subpath: string): string[] => [
    process.execPath,
    "--input-type=module",
    "-e",
    `await import(${JSON.stringify(entryUrl(root, subpath))})`,
  ];
  // How many files an import loads does not depend on the machine's load, and start-up cost is mostly
  // per module (resolve, read, compile): the figure to compare on a busy machine.
  const moduleCount = (url: string): string => {
    const loaded = [...new Set(importLoads(url, "", work).loaded)];
    const builtins = loaded.filter((entry) => entry.startsWith("loaded node:")).length;
    return `${loaded.length - builtins} files + ${builtins} built-ins`;
  };
  const cases = [
    {
      name: 'import "expbook/tracker"',
      target: 150,
      command: (root: string) => importCommand(root, "./tracker"),
      subpath: "./tracker",
    },
    {
      name: 'import "expbook"',
      target: 400,
      command: (root: string) => importCommand(root, "."),
      subpath: ".",
    },
    {
      name: "node bin/expbook.js ls (100 runs)",
      target: 400,
      command: (root: string) => [process.execPath, join(root, "bin", "expbook.js"), "ls", "--store", store],
    },
  ];
  let lastCpuMs = 0;
  const time = (command: string[]): number => {
    const cpuBefore = childCpuMs();
    const start = performance.now();
    const result = spawnSync(command[0] as string, command.slice(1), { cwd: work, stdio: "ignore" });
    const ms = performance.now() - start;
    lastCpuMs = childCpuMs() - cpuBefore;
    if (result.status !== 0) throw new Error(`${command.join(" ")} exited ${result.status}`);
    return ms;
  };
  const summary = (values: number[]): { best: number; median: number } => {
    const sorted = [...values].sort((a, b) => a - b);
    return { best: sorted[0] as number, median: sorted[Math.floor(sorted.length / 2)] as number };
  };

  line(
    `cold processes, best / median of ${runs}, this checkout vs ${against} (${commit}); load average ${load()}`,
  );
  const bare: number[] = [];
  const bareCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(time([process.execPath, "-e", "0"]));
    bareCpu.push(lastCpuMs);
  }
  const node = summary(bare);
  line(
    `node -e 0 alone: ${node.best.toFixed(0)} / ${node.median.toFixed(0)} ms, CPU ${summary(bareCpu).median.toFixed(0)} ms`,
  );
  // On a loaded machine the wall clock of every process grows; its ratio to a bare node start-up
  // measured in the same run grows much less. The targets assume node -e 0 at about 124 ms.
  const ratio = (ms: number, bareMs: number): string => `${(ms / bareMs).toFixed(2)}×`;
  for (const { name, target, command, subpath } of cases) {
    // Warm the file cache and the tsx transform cache of both sides first.
    time(command(repo));
    time(command(other));
    const ours: number[] = [];
    const theirs: number[] = [];
    const oursCpu: number[] = [];
    const theirsCpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(time(command(repo)));
      oursCpu.push(lastCpuMs);
      theirs.push(time(command(other)));
      theirsCpu.push(lastCpuMs);
    }
    const a = summary(ours);
    const b = summary(theirs);
    line(
      `${name.padEnd(34)} ${a.best.toFixed(0).padStart(5)} / ${a.median.toFixed(0).padStart(5)} ms, CPU ${summary(oursCpu).median.toFixed(0)} ms` +
        `  (${commit}: ${b.best.toFixed(0)} / ${b.median.toFixed(0)} ms, CPU ${summary(theirsCpu).median.toFixed(0)} ms;` +
        ` ${(b.median / a.median).toFixed(1)}× faster)  target < ${target} ms: ${a.best < target ? "met" : "missed"};` +
        ` vs node -e 0: ${ratio(a.best, node.best)} best, ${ratio(a.median, node.median)} median` +
        ` (${commit}: ${ratio(b.median, node.median)}; target ${ratio(target, 124)})`,
    );
    if (subpath !== undefined) {
      line(
        `${"".padEnd(34)} loads ${moduleCount(entryUrl(repo, subpath))} (${commit}: ${moduleCount(entryUrl(other, subpath))})`,
      );
    }
  }
  line(`load average after: ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
