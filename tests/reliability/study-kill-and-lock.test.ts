// Case 4 of issue 13 (duplicate and resurrected runs) and the study seed checks of case 8: a study
// SIGKILLed at random moments and rerun never has two finished runs for one job, its orphaned workers
// stop, a second concurrent `run` is refused with the holder's host and pid, and bad seeds or an
// empty selection are user errors.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadStudy } from "../../src/study/load-study.js";
import { openTracker } from "../../src/tracker/index.js";
import type { RunRecord } from "../../src/tracker/types.js";
import { StudyError } from "../../src/util/errors.js";
import { createRng } from "../../src/util/random.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { writeMiniStudy } from "./fixtures/mini-study.js";

const work = tempDir("expbook-study-kill-");
after(work.cleanup);
const bin = new URL("../../bin/expbook.js", import.meta.url).pathname;

function startStudy(study: string, store: string): ChildProcess {
  return spawn(process.execPath, [bin, "run", study, "--store", store, "--workers", "2", "--no-report"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Finished, non-duplicate job runs per job key. */
function finishedPerJob(runs: readonly RunRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of runs) {
    const job = run.tags.job;
    if (run.status !== "finished" || typeof job !== "string" || run.tags.duplicate_of !== undefined) continue;
    counts.set(job, (counts.get(job) ?? 0) + 1);
  }
  return counts;
}

test("a study SIGKILLed at 10 random moments and rerun each time ends with exactly one finished run per job", async () => {
  const study = writeMiniStudy(work.path, "kill-check", [1, 2, 3, 4, 5, 6]);
  const store = join(work.path, "kill-store");
  const rng = createRng(13);
  const tracker = await openTracker({ dir: store });
  const moments: number[] = [];
  for (let round = 0; round < 10; round++) {
    const child = startStudy(study, store);
    const moment = 500 + Math.floor(rng.next() * 6_000);
    moments.push(moment);
    await Promise.race([sleep(moment), exited(child)]);
    child.kill("SIGKILL");
    await exited(child);
    const runs = await tracker.runs({ experiment: "kill-check" });
    for (const [job, count] of finishedPerJob(runs))
      assert.equal(count, 1, `job ${job} after kill ${round + 1}`);
    // The killed study's workers stop by themselves (SIGTERM at once, SIGKILL after 3 s).
    const workers = runs.filter((run) => run.status === "running").map((run) => run.env.pid);
    await sleep(3_500);
    for (const pid of workers)
      assert.ok(!alive(pid), `orphan worker ${pid} still alive after kill ${round + 1}`);
  }
  const rerun = startStudy(study, store);
  let stderr = "";
  rerun.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  assert.equal(await exited(rerun), 0, stderr);
  const runs = await tracker.runs({ experiment: "kill-check" });
  const perJob = finishedPerJob(runs);
  assert.equal(perJob.size, 12, `2 systems × 6 seeds; kill moments ${moments.join(", ")} ms`);
  for (const [job, count] of perJob) assert.equal(count, 1, `job ${job}`);
  assert.ok(!runs.some((run) => run.status === "running"));
});

test("a second concurrent run of a study is refused with the lock holder's host and pid; a killed holder's lock is taken over", async () => {
  // The study holds a system that waits while `hold` exists, so the first run is still running when it
  // is killed (the mini study alone can finish while the second run is being refused).
  const study = writeMiniStudy(work.path, "lock-check", [1, 2]);
  const hold = join(work.path, "lock-hold");
  writeFileSync(hold, "");
  copyFileSync(new URL("./fixtures/held-system.js", import.meta.url), join(work.path, "held-system.js"));
  const definition = JSON.parse(readFileSync(study, "utf8")) as { systems: unknown[] };
  definition.systems.push({ name: "held", module: "./held-system.js", params: { holdFile: hold } });
  writeFileSync(study, JSON.stringify(definition));
  const store = join(work.path, "lock-store");
  const first = startStudy(study, store);
  const lock = join(store, "locks", "study-lock-check.lock");
  for (let waited = 0; !existsSync(lock) && waited < 60_000; waited += 50) await sleep(50);
  assert.ok(existsSync(lock), "the first run took the lock");
  const second = await runCli(["run", study, "--store", store, "--no-report"]);
  assert.equal(second.code, 2, second.stderr);
  assert.match(
    second.stderr,
    new RegExp(
      `^expbook: study lock-check is already running on the store .* \\(host ${hostname()}, pid ${first.pid}, since .*\\); wait for it to finish, or if that process is gone remove .*\\n$`,
    ),
  );
  assert.equal(first.exitCode, null, "the first run is still running when it is killed");
  first.kill("SIGKILL");
  await exited(first);
  assert.ok(existsSync(lock), "SIGKILL leaves the lock behind");
  rmSync(hold);
  const third = await runCli(["run", study, "--store", store, "--workers", "1", "--no-report"]);
  assert.equal(third.code, 0, third.stderr);
  assert.ok(!existsSync(lock), "released at the end");
});

test("duplicate seeds, seeds outside 0..2^32-1, --seeds 0 and --only nope are user errors", async () => {
  const dir = join(work.path, "seeds");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir);
  const path = writeMiniStudy(dir, "seed-check", [1, 2]);
  const base = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const store = join(dir, "store");
  const seedRange = /seeds\[0\]: a seed is a whole number from 0 to 4294967295/;
  const schemaCases: [string, number[], RegExp][] = [
    ["duplicate seeds", [1, 1], /seeds: list each seed once/],
    ["seed 2^32", [4294967296], seedRange],
    ["seed 1e300", [1e300], seedRange],
    ["negative seed", [-1], seedRange],
  ];
  for (const [name, seeds, message] of schemaCases) {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
    writeFileSync(file, JSON.stringify({ ...base, seeds }));
    await assert.rejects(loadStudy(file), (error: unknown) => {
      assert.ok(error instanceof StudyError, name);
      assert.match(error.message, message, name);
      return true;
    });
  }
  const cliCases: [string, string[], RegExp][] = [
    [
      "--seeds 0",
      ["--seeds", "0"],
      /^expbook: --seeds 0 asks for no runs; give a whole number of seeds ≥ 1\n$/,
    ],
    [
      "--only nope",
      ["--only", "nope"],
      /^expbook: --only nope: study seed-check has no system "nope"; choose from majority, tfidf\n$/,
    ],
  ];
  for (const [name, flags, message] of cliCases) {
    const result = await runCli(["run", path, "--store", store, "--no-report", ...flags]);
    assert.equal(result.code, 2, `${name}: ${result.stderr}`);
    assert.match(result.stderr, message, name);
  }
  assert.deepEqual(await (await openTracker({ dir: store })).runs(), [], "nothing ran");
});
