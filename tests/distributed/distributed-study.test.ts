import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, tempDir } from "../helpers/cli.js";
import { startPostgresCluster } from "../helpers/postgres-cluster.js";
import { killMachine, type ListedRun, listRuns, startWorker, type WorkerMachine } from "./cluster-workers.js";

const studyPath = new URL("../../experiments/spam-ft-vs-rag.json", import.meta.url).pathname;
const work = tempDir("expbook-distributed-");
const cluster = await startPostgresCluster();
const machines: WorkerMachine[] = [];
after(() => {
  for (const machine of machines) killMachine(machine);
  cluster.stop();
  work.cleanup();
});

/** The test metrics of each finished final run (not a duplicate), by system and seed. */
function testMetrics(runs: ListedRun[]): Map<string, Record<string, number | string | boolean>> {
  const metrics = new Map<string, Record<string, number | string | boolean>>();
  for (const run of runs) {
    if (run.status !== "finished" || run.tags.stage !== "final" || run.tags.duplicate_of !== undefined)
      continue;
    const tests = Object.entries(run.summary ?? {}).filter(([name]) => name.startsWith("test_"));
    metrics.set(run.name, Object.fromEntries(tests));
  }
  return metrics;
}

/** The pid of the process group a pid belongs to (field 5 of /proc/PID/stat). */
function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  } catch {
    return undefined;
  }
}

function runFile(store: string, id: string): { env: { pid: number } } {
  return JSON.parse(readFileSync(join(store, "runs", id, "run.json"), "utf8"));
}

describe("a study run on several machines through the queue", () => {
  test("3 workers, one killed mid fine-tuning: same test metrics as a local run, one finished run per unit", async () => {
    const localStore = join(work.path, "local-store");
    const local = await runCli(
      ["run", studyPath, "--quick", "--store", localStore, "--workers", "2", "--no-report", "--json"],
      { cwd: work.path, env: { EXPBOOK_CACHE: join(work.path, "local-cache") } },
    );
    assert.equal(local.code, 0, local.stderr);
    const expected = testMetrics(await listRuns(localStore));
    assert.equal(expected.size, 10, `local run: ${[...expected.keys()].join(", ")}`);

    const queue = cluster.createDatabase("study_queue");
    const store = join(work.path, "shared-store");
    const flags = ["--queue", queue, "--store", store, "--heartbeat", "10"];
    for (const name of ["alpha", "beta", "gamma"]) machines.push(startWorker(work.path, name, flags));

    const submitterDir = join(work.path, "submitter");
    const submitted = runCli(["run", studyPath, "--quick", "--distributed", ...flags, "--json"], {
      cwd: work.path,
      env: { EXPBOOK_CACHE: join(submitterDir, "cache") },
    });

    // Submitting again while the study runs adds nothing to the queue.
    let statusLine = "";
    for (let waited = 0; waited < 600_000 && !/: 9 job\(s\)/.test(statusLine); waited += 1000) {
      await sleep(1000);
      const status = await runCli(["status", studyPath, "--queue", queue, "--store", store]);
      statusLine = status.stdout.split("\n")[0] ?? "";
    }
    assert.match(statusLine, /^study spam-ft-vs-rag: 9 job\(s\): /);
    const again = await runCli(["run", studyPath, "--quick", "--distributed", "--detach", ...flags], {
      cwd: work.path,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^study spam-ft-vs-rag: 0 job\(s\) submitted to /m);

    // Kill the machine that is fine-tuning, in the middle of it.
    let victim: { machine: WorkerMachine; runId: string } | undefined;
    for (let waited = 0; waited < 300_000 && !victim; waited += 500) {
      await sleep(500);
      const training = (await listRuns(store)).find(
        (run) => run.status === "running" && String(run.tags.system).startsWith("finetune"),
      );
      if (!training) continue;
      await sleep(2000);
      const group = processGroup(runFile(store, training.id).env.pid);
      const machine = machines.find((candidate) => candidate.child.pid === group);
      if (machine) victim = { machine, runId: training.id };
    }
    assert.ok(victim, "a worker was fine-tuning");
    killMachine(victim.machine);

    const result = await submitted;
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout) as { failed: unknown[]; report: { html: string } | null };
    assert.deepEqual(outcome.failed, []);
    assert.ok(outcome.report && existsSync(outcome.report.html), "the report was written");

    const runs = await listRuns(store);
    const killed = runs.find((run) => run.id === victim?.runId);
    assert.equal(killed?.status, "crashed", "the killed attempt reads crashed");
    const finishedPerUnit = new Map<string, number>();
    for (const run of runs)
      if (run.status === "finished" && run.tags.job !== undefined)
        finishedPerUnit.set(String(run.tags.job), (finishedPerUnit.get(String(run.tags.job)) ?? 0) + 1);
    assert.equal(finishedPerUnit.size, 10);
    assert.deepEqual(
      [...finishedPerUnit].filter(([, count]) => count > 1),
      [],
      "no unit of work has two finished runs",
    );
    assert.deepEqual(testMetrics(runs), expected, "every system × seed test metric equals the local run's");

    // Workers stop on SIGTERM with one line each and leave no run running.
    for (const machine of machines.filter((candidate) => candidate !== victim?.machine)) {
      machine.child.kill("SIGTERM");
      assert.equal((await machine.exited).code, 143);
      assert.equal(
        machine
          .log()
          .split("\n")
          .filter((line) => line.includes("received SIGTERM")).length,
        1,
      );
    }
    assert.deepEqual(
      (await listRuns(store)).filter((run) => run.status === "running").map((run) => run.name),
      [],
    );
  });
});
