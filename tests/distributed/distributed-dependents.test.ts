import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "../helpers/cli.js";
import { listRuns, startTestLab, startWorker } from "./cluster-workers.js";

const { work, cluster, machines } = await startTestLab("expbook-distributed-dependents-");

const studyPath = join(work.path, "linked.json");
writeFileSync(
  studyPath,
  JSON.stringify({
    name: "linked-runs",
    question: "Does a detached study run the systems that build on other runs?",
    dataset: { name: "spam-assassin" },
    split: { strategy: "stratified" },
    seeds: [1, 2],
    systems: [
      { name: "finetune-glove", kind: "finetune", params: { init: "glove", epochs: 20, patience: 20 } },
      {
        name: "rag-dense-finetuned",
        kind: "rag",
        params: { retriever: "dense", k: 10, embeddingRun: "@finetune-glove" },
      },
    ],
    quick: { seeds: 1 },
  }),
);

describe("distributed studies with runs that build on other runs", () => {
  test("--detach: the worker enqueues the dependent run itself; status and the submitter show epoch progress", async () => {
    const queue = cluster.createDatabase("dependents_queue");
    const store = join(work.path, "store");
    const flags = ["--queue", queue, "--store", store, "--heartbeat", "10"];
    const worker = startWorker(work.path, "solo", flags);
    machines.push(worker);

    const detached = await runCli(["run", studyPath, "--quick", "--distributed", "--detach", ...flags], {
      cwd: work.path,
    });
    assert.equal(detached.code, 0, detached.stderr);
    assert.match(detached.stdout, /^study linked-runs: 1 job\(s\) submitted to /m);
    assert.match(detached.stdout, /1 run\(s\) that build on other runs wait/);

    // No submitter follows the study now: the worker must enqueue rag-dense-finetuned by itself.
    let progressLine: string | undefined;
    let summary = "";
    for (let waited = 0; waited < 600_000 && !/: 2 job\(s\): 2 done/.test(summary); waited += 1000) {
      await sleep(1000);
      const status = await runCli(["status", studyPath, "--queue", queue, "--store", store]);
      assert.equal(status.code, 0, status.stderr);
      summary = status.stdout.split("\n")[0] ?? "";
      progressLine ??= status.stdout
        .split("\n")
        .find((line) => /^running\s+finetune-glove\/seed=1 on .*\): train epoch \d+\/20/.test(line));
    }
    assert.match(summary, /^study linked-runs: 2 job\(s\): 2 done, 0 running/);
    assert.ok(progressLine, "status showed the running fine-tune's epoch");
    assert.match(worker.log(), /enqueued linked-runs rag-dense-finetuned seed 1, whose referenced runs/);
    const runs = await listRuns(store);
    const tuned = runs.find((run) => run.tags.system === "finetune-glove" && run.status === "finished");
    const linked = runs.find((run) => run.tags.system === "rag-dense-finetuned");
    assert.equal(linked?.status, "finished");
    assert.ok(tuned);

    // A following submitter shows the workers' per-epoch progress (one line per epoch off a terminal).
    const followed = await runCli(
      ["run", studyPath, "--seeds", "2", "--distributed", "--no-report", ...flags],
      {
        cwd: work.path,
      },
    );
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /^study linked-runs: 2 run\(s\) ran, 2 reused, 0 failed/m);
    assert.match(followed.stderr, /^\[\w{6} finetune-glove\] train epoch \d+\/20/m);

    worker.child.kill("SIGTERM");
    await worker.exited;
  });
});
