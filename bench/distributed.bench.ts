// Distributed studies (issue 16): `spam-sweep --quick` run through the job queue with 1, then 2
// `expbook worker` processes on this machine, the speed-up, and the local runner with --workers 2 on the
// same study. Targets: speed-up ≥ 1.7× on 2 cores; distributed with 2 workers within 10% of local.
// Every run gets a fresh store and queue database; all share one cache, warmed first by an untimed
// fine-tune (parsed corpus, converted word vectors). Workers are started (and ready) before the clock
// starts: they are long-lived services.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgresCluster } from "../tests/helpers/postgres-cluster.js";
import { line, load } from "./print.js";

const bin = new URL("../bin/expbook.js", import.meta.url).pathname;
const study = new URL("../experiments/spam-sweep.json", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "expbook-bench-distributed-"));
const env = { ...process.env, EXPBOOK_CACHE: join(dir, "cache") };

function expbook(args: string[]): Promise<void> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "ignore", "inherit"] });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`expbook ${args[0]} exited ${code}`)),
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

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

const cluster = await startPostgresCluster();
try {
  await expbook([
    "fit",
    "finetune",
    "--dataset",
    "spam-assassin",
    "--set",
    "epochs=1",
    "--store",
    join(dir, "warm"),
  ]);
  const local = await timed(() =>
    expbook(["run", study, "--quick", "--workers", "2", "--store", join(dir, "local"), "--no-report"]),
  );
  line(`local runner, --workers 2:      ${local.toFixed(1)} s   (load average ${load()})`);
  const distributed: number[] = [];
  for (const workers of [1, 2]) {
    const flags = [
      "--queue",
      cluster.createDatabase(`bench_${workers}`),
      "--store",
      join(dir, `queue-${workers}`),
    ];
    const children = await Promise.all(Array.from({ length: workers }, () => startWorker(flags)));
    try {
      const seconds = await timed(() =>
        expbook(["run", study, "--quick", "--distributed", ...flags, "--no-report"]),
      );
      distributed.push(seconds);
      line(`distributed, ${workers} worker(s):        ${seconds.toFixed(1)} s   (load average ${load()})`);
    } finally {
      for (const child of children) child.kill("SIGTERM");
    }
  }
  const [one = Number.NaN, two = Number.NaN] = distributed;
  line(`speed-up 1 → 2 workers:         ${(one / two).toFixed(2)}×   (target ≥ 1.7×)`);
  line(`distributed (2) vs local (2):   ${((two / local - 1) * 100).toFixed(1)}%   (target within 10%)`);
  line("figures taken on a shared, loaded machine: compare them within this run only");
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
