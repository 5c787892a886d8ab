import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { startFitProcess } from "../../src/distributed/fit-process.js";
import { loadStudy, planFirstPhase } from "../../src/study/index.js";
import { studyJobContext } from "../../src/study/run-job.js";
import { tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-fit-process-");
after(() => work.cleanup());

describe("a distributed worker's fitting process", () => {
  test("warms up the kinds it is told before taking jobs, and says whether it could", async () => {
    const warmed = await startFitProcess(["finetune"]);
    const cold = await startFitProcess();
    try {
      assert.equal(warmed.warmed, true, "finetune (and TensorFlow.js) loaded ahead of its jobs");
      assert.equal(cold.warmed, true, "nothing to warm up is no failure");
    } finally {
      await warmed.kill("SIGTERM");
      await cold.kill("SIGTERM");
    }
  });

  test("loads the datasets it is told before taking jobs and names those it could", async () => {
    const fitter = await startFitProcess(
      [],
      [
        { name: "no-such-dataset", options: {} },
        { name: "sotu", options: { task: "classification" } },
      ],
    );
    try {
      assert.equal(fitter.warmed, true);
      assert.deepEqual(fitter.preloaded, ["sotu"]);
    } finally {
      await fitter.kill("SIGTERM");
    }
  });

  test("one that could not warm up a kind says so and still fits jobs", async () => {
    const studyPath = join(work.path, "majority.json");
    writeFileSync(
      studyPath,
      JSON.stringify({
        name: "warm-up-failed",
        question: "Does a failed warm-up leave the fitting process usable?",
        dataset: { name: "spam-assassin" },
        split: { strategy: "stratified" },
        seeds: [1],
        systems: [{ name: "majority", kind: "majority" }],
      }),
    );
    const loaded = await loadStudy(studyPath);
    const [job] = planFirstPhase(loaded.study, {});
    assert.ok(job, "the study plans one job");
    const fitter = await startFitProcess(["no-such-kind"]);
    try {
      assert.equal(fitter.warmed, false);
      const result = await fitter.fit(studyJobContext(loaded, join(work.path, "store")), job, () => {});
      assert.equal(result.status, "finished");
      assert.equal(typeof result.summary.val_f1, "number");
    } finally {
      await fitter.kill("SIGTERM");
    }
  });
});
