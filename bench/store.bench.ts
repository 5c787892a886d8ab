// Store benchmarks (targets from issue 15, for PostgreSQL): log 1,000,000 points < 5 s, list 10,000
// runs < 1 s, read one 100,000-point series < 0.5 s. The same work runs on the file store (today's
// `openTracker({ dir })`) in the same process, so the two are measured under the same load.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openPostgresStore } from "../src/tracker/postgres/postgres-store.js";
import type { Run, RunRecord, StartRunOptions } from "../src/tracker/types.js";
import { openTracker } from "../src/tracker/tracker.js";
import { startPostgresCluster } from "../tests/helpers/postgres-cluster.js";
import { line, load } from "./print.js";

// CPU time of this process (user + system): with the machine shared, it shows the client's own cost.
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
// CPU time of the throwaway PostgreSQL server (the postmaster's children: backends and background
// workers), from /proc: what the server itself spent, whatever else the machine runs.
let postmasterPid = 0;
const serverCpuMs = (): number => {
  if (postmasterPid === 0) return 0;
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === postmasterPid || Number(entry) === postmasterPid) {
        ticks += Number(fields[11]) + Number(fields[12]);
      }
    } catch {
      // a process that just ended
    }
  }
  return ticks * 10; // 100 clock ticks per second on Linux
};
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** What both stores offer for the benchmark. */
interface BenchStore {
  /** CPU of the store's server, if it has one. */
  serverCpu?: () => number;
  startRun(options: StartRunOptions): Promise<Run>;
  list(): Promise<RunRecord[]>;
  seriesLength(id: string): Promise<number>;
}

async function measure(label: string, store: BenchStore): Promise<void> {
  let start = performance.now();
  let cpu = cpuMs();
  let server = store.serverCpu?.() ?? 0;
  const serverPart = (): string =>
    store.serverCpu === undefined ? "" : `, ${(store.serverCpu() - server).toFixed(0)} ms server CPU`;
  const million = await store.startRun({ experiment: "bench", name: "million" });
  for (let i = 0; i < 1_000_000; i++) million.log("loss", 1 / (i + 1), i);
  await million.finish();
  const logMs = performance.now() - start;
  line(
    `${label}: log 1,000,000 points (one run, incl. finish): ${logMs.toFixed(0)} ms wall, ${(cpuMs() - cpu).toFixed(0)} ms client CPU${serverPart()}  [load ${load()}]`,
  );

  const hundredK = await store.startRun({ experiment: "bench", name: "100k" });
  for (let i = 0; i < 100_000; i++) hundredK.log("loss", 1 / (i + 1), i);
  await hundredK.finish();
  const reads: number[] = [];
  const readCpu: number[] = [];
  server = store.serverCpu?.() ?? 0;
  for (let i = 0; i < 5; i++) {
    start = performance.now();
    cpu = cpuMs();
    if ((await store.seriesLength(hundredK.id)) !== 100_000) throw new Error("bench: lost points");
    reads.push(performance.now() - start);
    readCpu.push(cpuMs() - cpu);
  }
  line(
    `${label}: read one 100,000-point series: median ${median(reads).toFixed(0)} ms wall, ${median(readCpu).toFixed(0)} ms client CPU, of 5 (all 5: ${serverPart().slice(2) || "no server"})  [load ${load()}]`,
  );

  start = performance.now();
  for (let i = 0; i < 9_998; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, 9_998 - i) }, async (_, k) => {
        const n = i + k;
        const run = await store.startRun({
          experiment: n % 2 === 0 ? "sweep-a" : "sweep-b",
          name: `run ${n}`,
          params: { lr: 10 ** -(1 + (n % 4)), layers: 1 + (n % 3), optimizer: { name: "adam", beta: 0.9 } },
          tags: { baseline: n % 10 === 0 },
          seed: n,
        });
        run.summary({ test_f1: (n % 1000) / 1000, loss: 1 / (n + 1) });
        await run.finish();
      }),
    );
  }
  line(
    `${label}: (setup: 9,998 more runs through startRun/finish, 16 at a time, in ${((performance.now() - start) / 1000).toFixed(1)} s)`,
  );
  const lists: number[] = [];
  const listCpu: number[] = [];
  server = store.serverCpu?.() ?? 0;
  for (let i = 0; i < 5; i++) {
    start = performance.now();
    cpu = cpuMs();
    const runs = await store.list();
    lists.push(performance.now() - start);
    listCpu.push(cpuMs() - cpu);
    if (runs.length !== 10_000) throw new Error(`bench: ${runs.length} runs listed`);
  }
  line(
    `${label}: list 10,000 runs: median ${median(lists).toFixed(0)} ms wall, ${median(listCpu).toFixed(0)} ms client CPU, of 5 (all 5: ${serverPart().slice(2) || "no server"})  [load ${load()}]`,
  );
}

const dir = mkdtempSync(join(tmpdir(), "expbook-bench-store-"));
line(`date ${new Date().toISOString()}, load average ${load()} (1, 5, 15 min), ${process.argv.join(" ")}`);
const cluster = await startPostgresCluster();
postmasterPid = Number(readFileSync(join(cluster.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
try {
  const pgStore = await openPostgresStore(cluster.createDatabase("bench"), { cacheDir: join(dir, "cache") });
  try {
    await measure("postgres", {
      startRun: (options) => pgStore.startRun(options),
      list: async () => (await pgStore.list({})).runs,
      seriesLength: async (id) => (await pgStore.readSeries(id)).series.loss?.length ?? 0,
      serverCpu: serverCpuMs,
    });
  } finally {
    await pgStore.close();
  }
  const tracker = await openTracker({ dir: join(dir, "file-store") });
  await measure("file store", {
    startRun: (options) => tracker.startRun(options),
    list: () => tracker.runs(),
    seriesLength: async (id) => (await tracker.run(id)).series.loss?.length ?? 0,
  });
  await tracker.close();
  line(
    "targets for postgres: 1M points < 5000 ms, list 10,000 runs < 1000 ms, 100,000-point series < 500 ms",
  );
  line("(2 shared cores, other work running: figures are noisy)");
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
