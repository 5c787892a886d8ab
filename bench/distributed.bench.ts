// Distributed studies (issue 16): `spam-sweep --quick --seeds 2` run through the job queue with 1, then 2
// `expbook worker` processes on this machine, the speed-up, and the local runner with --workers 2 on the
// same study. Targets: speed-up ≥ 1.7× on 2 cores; distributed with 2 workers within 10% of local.
//
// Two seeds, because with --quick's one seed the study's last phase (the selected configuration on
// test) is a single job, which caps any 2-worker speed-up at 1.5×; with two seeds every phase splits
// evenly over two workers (phase 1: 4 fine-tuning trials + 2 TF-IDF runs; phase 2: 2 finals).
//
// The study is first run once untimed, which fills the shared cache (parsed corpus, converted word
// vectors, TF-IDF features). Then `--rounds=N` rounds (default 2) each time local, 1 worker and 2 workers
// in turn, every run on a fresh store and queue database; each figure is the best of its rounds.
// Workers are started (and ready) before the clock starts: they are long-lived services. Run it on an
// idle machine: `npm run bench -- distributed`.
//
// Each run's CPU is the whole machine's (/proc/stat: submitter, workers, their fitting processes,
// PostgreSQL), so on an idle machine it bounds what the cores allow: no run can take less wall time than
// its CPU divided by the cores, and the speed-up this machine allows is the 1-worker wall over that.
//
// What the jobs themselves allow: every run records when it started and ended in the store, so the sum of
// the runs' durations is the time spent in jobs. With 2 workers the same jobs run two at once; the ratio
// of that sum to the 1-worker sum says how much slower a job runs beside another on this machine, and
// 2 over it is the speed-up the jobs allow even if everything outside them (submitter, queue, waiting
// between jobs) cost nothing.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { jobOf } from "../src/tracker/records/run-tags.js";
import { openTracker } from "../src/tracker/tracker.js";
import { startPostgresCluster } from "../tests/helpers/postgres-cluster.js";
import { machineBusySeconds } from "./other-cpu.js";
import { roundsFlags } from "./paired-rounds.js";
import { line, load } from "./print.js";

const bin = new URL("../bin/expbook.js", import.meta.url).pathname;
const study = new URL("../experiments/spam-sweep.json", import.meta.url).pathname;
const plan = ["--quick", "--seeds", "2", "--no-report"];
const rounds = process.argv.some((arg) => arg.startsWith("--rounds=")) ? roundsFlags().rounds : 2;
const dir = mkdtempSync(join(tmpdir(), "expbook-bench-distributed-"));
const env = { ...process.env, EXPBOOK_CACHE: join(dir, "cache") };

/** Runs expbook to its end; its output is shown only when it fails. */
function expbook(args: string[]): Promise<void> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`expbook ${args[0]} exited ${code}:\n${stderr.slice(-3000)}`)),
    ),
  );
}

function startWorker(flags: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, "worker", ...flags], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`expbook worker exited ${code}`)));
    child.stderr?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("waiting for jobs")) resolve(child);
    });
  });
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      child.removeAllListeners("exit");
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
}

/** A timed run: its wall seconds and the CPU seconds the whole machine used meanwhile. */
interface Timing {
  wall: number;
  cpu: number;
  /** The sum of its runs' durations (start to end, as the store records them): the time spent in jobs. */
  jobs: number;
}

async function jobSeconds(store: string): Promise<number> {
  const tracker = await openTracker({ store });
  try {
    const runs = await tracker.runs({ experiment: "spam-sweep" });
    // The study's own record spans the whole run: only the runs of its units of work are jobs.
    const durations = runs.flatMap((run) =>
      jobOf(run) !== undefined && run.endedAt ? [Date.parse(run.endedAt) - Date.parse(run.createdAt)] : [],
    );
    return durations.reduce((sum, ms) => sum + ms, 0) / 1000;
  } finally {
    await tracker.close();
  }
}

async function timed(store: string, run: () => Promise<void>): Promise<Timing> {
  const busy = machineBusySeconds() ?? 0;
  const start = performance.now();
  await run();
  const wall = (performance.now() - start) / 1000;
  const cpu = (machineBusySeconds() ?? 0) - busy;
  return { wall, cpu, jobs: await jobSeconds(store) };
}

let runs = 0;
const fresh = (what: string): string => join(dir, `${what}-${++runs}`);

async function local(): Promise<Timing> {
  const store = fresh("local");
  return timed(store, () => expbook(["run", study, ...plan, "--workers", "2", "--store", store]));
}

async function distributed(workers: number, queue: string): Promise<Timing> {
  const store = fresh("queue-store");
  const flags = ["--queue", queue, "--store", store];
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker(flags)));
  try {
    return await timed(store, () => expbook(["run", study, ...plan, "--distributed", ...flags]));
  } finally {
    await stopWorkers(children);
  }
}

const cluster = await startPostgresCluster();
try {
  const warmStore = fresh("warm");
  const warm = await timed(warmStore, () =>
    expbook(["run", study, ...plan, "--workers", "2", "--store", warmStore]),
  );
  line(`warm-up (untimed in the figures): ${warm.wall.toFixed(1)} s   (load average ${load()})`);
  const figures = { local: [] as Timing[], one: [] as Timing[], two: [] as Timing[] };
  const shown = (timing: Timing | undefined) =>
    timing
      ? `${timing.wall.toFixed(1)} s (${timing.cpu.toFixed(1)} CPU-s, jobs ${timing.jobs.toFixed(1)} s)`
      : "";
  for (let round = 1; round <= rounds; round++) {
    figures.local.push(await local());
    figures.one.push(await distributed(1, cluster.createDatabase(`bench_${round}_one`)));
    figures.two.push(await distributed(2, cluster.createDatabase(`bench_${round}_two`)));
    line(
      `round ${round}: local --workers 2 ${shown(figures.local.at(-1))}, distributed 1 worker ${shown(figures.one.at(-1))}, 2 workers ${shown(figures.two.at(-1))}   (load average ${load()})`,
    );
  }
  /** The least of one figure over the rounds (of the wall times: the best). */
  const least = (timings: Timing[], figure: keyof Timing) =>
    Math.min(...timings.map((timing) => timing[figure]));
  const [localBest, one, two] = [
    least(figures.local, "wall"),
    least(figures.one, "wall"),
    least(figures.two, "wall"),
  ];
  const cores = availableParallelism();
  const twoCpu = least(figures.two, "cpu");
  const twoFloor = twoCpu / cores;
  line(`local runner, --workers 2:      ${localBest.toFixed(1)} s   (best of ${rounds})`);
  line(`distributed, 1 worker:          ${one.toFixed(1)} s`);
  line(`distributed, 2 workers:         ${two.toFixed(1)} s`);
  line(`speed-up 1 → 2 workers:         ${(one / two).toFixed(2)}×   (target ≥ 1.7×)`);
  line(
    `CPU bound, 2 workers:           ${twoFloor.toFixed(1)} s   (the least machine CPU of its rounds, ${twoCpu.toFixed(1)} CPU-s, over ${cores} cores)`,
  );
  line(`speed-up this machine allows:   ${(one / twoFloor).toFixed(2)}×   (1 worker's wall over that bound)`);
  const [jobsOne, jobsTwo] = [least(figures.one, "jobs"), least(figures.two, "jobs")];
  line(
    `time in jobs:                   1 worker ${jobsOne.toFixed(1)} s, 2 workers ${jobsTwo.toFixed(1)} s   (sums of the runs' durations, least of ${rounds}: a job runs ${(jobsTwo / jobsOne).toFixed(2)}× as long beside another)`,
  );
  line(
    `speed-up the jobs allow:        ${((2 * jobsOne) / jobsTwo).toFixed(2)}×   (2 × ${jobsOne.toFixed(1)} / ${jobsTwo.toFixed(1)}: with nothing outside the jobs and no worker ever idle)`,
  );
  line(`distributed (2) vs local (2):   ${((two / localBest - 1) * 100).toFixed(1)}%   (target within 10%)`);
  line(`load average at the end: ${load()} (figures hold on an idle machine only)`);
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
