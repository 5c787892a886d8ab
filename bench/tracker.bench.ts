// Tracker benchmarks (targets from issue 3): 1,000,000 points logged from one process < 3 s;
// listing 10,000 runs < 1 s; loading one run with 100,000 points < 0.5 s.
// Peer: lowdb used the obvious way (points pushed into one JSONFile document, written every 1,000
// points), on fewer points because it is quadratic.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import { openTracker } from "../src/tracker/index.js";
import { line } from "./print.js";

const dir = mkdtempSync(join(tmpdir(), "expbook-bench-tracker-"));
const ms = (start: number): number => performance.now() - start;
// CPU time of this process (user + system): on a machine shared with other work it shows what the
// wall clock would be without the contention.
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

try {
  const tracker = await openTracker({ dir: join(dir, "store") });

  // 1. One process logs 1,000,000 points (including the final flush in finish()).
  const big = await tracker.startRun({ experiment: "bench", name: "million" });
  let start = performance.now();
  let cpuStart = cpuMs();
  for (let i = 0; i < 1_000_000; i++) big.log("loss", 1 / (i + 1), i);
  await big.finish();
  line(
    `log 1,000,000 points (one process, incl. flush): ${ms(start).toFixed(0)} ms wall, ${(cpuMs() - cpuStart).toFixed(0)} ms CPU  (target < 3000 ms)`,
  );

  const peerPoints = 20_000;
  const peer = new Low<{ points: { name: string; step: number; value: number; time: number }[] }>(
    new JSONFile(join(dir, "lowdb-peer.json")),
    { points: [] },
  );
  start = performance.now();
  for (let i = 0; i < peerPoints; i++) {
    peer.data.points.push({ name: "loss", step: i, value: 1 / (i + 1), time: Date.now() });
    if ((i + 1) % 1000 === 0) await peer.write();
  }
  const peerMs = ms(start);
  start = performance.now();
  const small = await tracker.startRun({ experiment: "bench", name: "peer-size" });
  for (let i = 0; i < peerPoints; i++) small.log("loss", 1 / (i + 1), i);
  await small.finish();
  const oursSmallMs = ms(start);
  line(
    `log ${peerPoints.toLocaleString("en")} points: expbook ${oursSmallMs.toFixed(1)} ms, lowdb document peer ${peerMs.toFixed(0)} ms (ratio ${(peerMs / oursSmallMs).toFixed(0)}× faster)`,
  );

  // 2. Load one run with 100,000 points.
  const hundredK = await tracker.startRun({ experiment: "bench", name: "100k" });
  for (let i = 0; i < 100_000; i++) hundredK.logMany({ loss: 1 / (i + 1) }, i);
  await hundredK.finish();
  const loads: number[] = [];
  const loadCpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    start = performance.now();
    cpuStart = cpuMs();
    const loaded = await tracker.run(hundredK.id);
    loads.push(ms(start));
    loadCpu.push(cpuMs() - cpuStart);
    if (loaded.series.loss?.length !== 100_000) throw new Error("bench: lost points");
  }
  line(
    `load one run with 100,000 points: median ${median(loads).toFixed(0)} ms wall, ${median(loadCpu).toFixed(0)} ms CPU, of 5  (target < 500 ms)`,
  );

  // 3. List 10,000 runs (created through the real API, so the index is what a real store has).
  start = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const run = await tracker.startRun({
      experiment: i % 2 === 0 ? "sweep-a" : "sweep-b",
      name: `run ${i}`,
      params: { lr: 10 ** -(1 + (i % 4)), layers: 1 + (i % 3), optimizer: { name: "adam", beta: 0.9 } },
      tags: { baseline: i % 10 === 0 },
      seed: i,
    });
    run.summary({ test_f1: (i % 1000) / 1000, loss: 1 / (i + 1) });
    await run.finish();
    ids.push(run.id);
  }
  line(`(setup: created 10,000 runs through startRun/finish in ${(ms(start) / 1000).toFixed(1)} s)`);
  const lists: number[] = [];
  const listCpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    start = performance.now();
    cpuStart = cpuMs();
    const runs = await tracker.runs();
    lists.push(ms(start));
    listCpu.push(cpuMs() - cpuStart);
    if (runs.length < 10_000) throw new Error("bench: runs missing");
  }
  line(
    `ls over ${ids.length + 3} runs (tracker.runs): median ${median(lists).toFixed(0)} ms wall, ${median(listCpu).toFixed(0)} ms CPU, of 5  (target < 1000 ms)`,
  );
  const filters: number[] = [];
  const filterCpu: number[] = [];
  let matched = 0;
  for (let i = 0; i < 5; i++) {
    start = performance.now();
    cpuStart = cpuMs();
    matched = (
      await tracker.runs({
        where: "params.lr < 0.01 and metrics.test_f1 > 0.5 and tags.baseline",
        sort: "-summary.test_f1",
        limit: 20,
      })
    ).length;
    filters.push(ms(start));
    filterCpu.push(cpuMs() - cpuStart);
  }
  line(
    `ls --where (3 clauses) --sort --limit over 10,000 runs: median ${median(filters).toFixed(0)} ms wall, ${median(filterCpu).toFixed(0)} ms CPU, of 5 (${matched} shown)`,
  );

  rmSync(join(dir, "store", "index.jsonl"));
  start = performance.now();
  await tracker.runs();
  line(
    `ls with the index deleted (reads all 10,000 run files, rewrites the index): ${ms(start).toFixed(0)} ms`,
  );

  start = performance.now();
  const cli = spawnSync(process.execPath, ["bin/expbook.js", "ls", "--json", "--store", join(dir, "store")], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const cliMs = ms(start);
  if (cli.status !== 0) throw new Error(`bench: expbook ls failed: ${cli.stderr}`);
  start = performance.now();
  spawnSync(process.execPath, ["bin/expbook.js", "--version"], { encoding: "utf8" });
  const startupMs = ms(start);
  line(
    `expbook ls --json over 10,000 runs (CLI wall clock): ${cliMs.toFixed(0)} ms, of which process start-up (expbook --version) ${startupMs.toFixed(0)} ms`,
  );
  line("(2 shared cores, other work running: figures are noisy)");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
