import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import pg from "pg";
import { runCli } from "../helpers/cli.js";
import { startTestLab, startWorker } from "./cluster-workers.js";

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
  started: Date;
  completed: Date;
}

/** When each study job started and completed, in the order they started (pg-boss's own columns). */
async function jobTimes(queue: string): Promise<JobTimes[]> {
  const client = new pg.Client({ connectionString: queue });
  await client.connect();
  try {
    const { rows } = await client.query<JobTimes>(
      "SELECT started_on AS started, completed_on AS completed FROM pgboss.job WHERE name = $1 ORDER BY started_on",
      ["expbook-study-jobs"],
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe("expbook worker", () => {
  test("takes the next waiting job at once after a short one (no 30-second wait between jobs)", async () => {
    const queue = cluster.createDatabase("short_jobs_queue");
    const store = join(work.path, "store");
    const flags = ["--queue", queue, "--store", store];
    machines.push(startWorker(work.path, "solo", flags));

    const run = await runCli(["run", studyPath, "--distributed", "--no-report", ...flags], {
      cwd: work.path,
    });
    assert.equal(run.code, 0, run.stderr);

    const times = await jobTimes(queue);
    assert.equal(times.length, 4, "one job per seed");
    // Each majority job takes well under a second. pg-boss with LISTEN/NOTIFY on polls only every 30 s
    // unless told otherwise, and a new job's notification had already been spent: the gaps were ~29 s.
    for (const [i, job] of times.entries()) {
      const previous = times[i - 1];
      if (!previous) continue;
      const gap = (job.started.getTime() - previous.completed.getTime()) / 1000;
      assert.ok(gap < 10, `job ${i + 1} started ${gap.toFixed(1)} s after job ${i} completed`);
    }
  });
});
