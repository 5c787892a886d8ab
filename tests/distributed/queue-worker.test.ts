import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import pg from "pg";
import { runCli } from "../helpers/cli.js";
import { listRuns, startTestLab, startWorker } from "./cluster-workers.js";

const { work, cluster, machines } = await startTestLab("expbook-queue-worker-");

const studyPath = join(work.path, "short-jobs.json");
writeFileSync(
  studyPath,
  JSON.stringify({
    name: "short-jobs",
    question: "Does a worker take the next waiting job as soon as it has finished one?",
    dataset: { name: "spam-assassin" },
    split: { strategy: "stratified" },
    seeds: [1, 2, 3, 4],
    systems: [{ name: "majority", kind: "majority" }],
  }),
);

interface JobTimes {
  created: Date;
  started: Date;
  completed: Date;
}

/** When each study job was queued, started and completed, in the order they started (pg-boss's own columns). */
async function jobTimes(queue: string): Promise<JobTimes[]> {
  const client = new pg.Client({ connectionString: queue });
  await client.connect();
  try {
    const { rows } = await client.query<JobTimes>(
      "SELECT created_on AS created, started_on AS started, completed_on AS completed FROM pgboss.job WHERE name = $1 ORDER BY started_on",
      ["expbook-study-jobs"],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Runs the study through a queue database of its own, served by one worker named `name` (with `workerFlags`). */
async function runWithOneWorker(
  name: string,
  workerFlags: string[] = [],
): Promise<{ queue: string; store: string; stderr: string }> {
  const queue = cluster.createDatabase(`${name}_queue`);
  const store = join(work.path, `${name}-store`);
  const flags = ["--queue", queue, "--store", store];
  machines.push(startWorker(work.path, name, [...flags, ...workerFlags]));
  const run = await runCli(["run", studyPath, "--distributed", "--no-report", ...flags], { cwd: work.path });
  assert.equal(run.code, 0, run.stderr);
  return { queue, store, stderr: run.stderr };
}

describe("expbook worker", () => {
  test("takes the next waiting job at once after a short one (no wait for the next poll between jobs)", async () => {
    // A 20-second poll makes a wait unmistakable. Each majority job takes well under a second; pg-boss
    // waits out the rest of the poll interval after a job shorter than it, even with jobs ready (and,
    // with LISTEN/NOTIFY on, polls only every 30 s unless told otherwise): the gaps were 19-29 s.
    const { queue } = await runWithOneWorker("solo", ["--poll", "20"]);
    const times = await jobTimes(queue);
    assert.equal(times.length, 4, "one job per seed");
    for (const [i, job] of times.entries()) {
      const previous = times[i - 1];
      if (!previous) continue;
      const gap = (job.started.getTime() - previous.completed.getTime()) / 1000;
      assert.ok(gap < 10, `job ${i + 1} started ${gap.toFixed(1)} s after job ${i} completed`);
    }
  });

  test("--poll below a second is refused with one line", async () => {
    const result = await runCli(["worker", "--queue", cluster.createDatabase("poll_queue"), "--poll", "0"], {
      cwd: work.path,
    });
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), "expbook: --poll 0 must be at least 1 second");
  });

  test("a following submitter queues what can run before it writes the study's record", async () => {
    const { queue, store, stderr } = await runWithOneWorker("early");
    // The first phase finds its jobs already queued, and counts them as submitted, not as found.
    assert.match(stderr, /short-jobs: 4 job\(s\) submitted to the queue, 0 already there/);

    const created = Math.min(...(await jobTimes(queue)).map((job) => job.created.getTime()));
    const studyRun = (await listRuns(store)).find((listed) => listed.tags.stage === "study");
    assert.ok(studyRun?.createdAt, "the study's own run is in the store");
    // Workers start on the jobs while the submitter writes the study's record and splits.
    assert.ok(
      created < Date.parse(studyRun.createdAt),
      `first job queued at ${new Date(created).toISOString()}, the study's run started at ${studyRun.createdAt}`,
    );
  });
});
