import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { startFitProcess } from "../../src/distributed/fit-process.js";
import { openTracker } from "../../src/index.js";
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

  test("asks git once, as it warms up, and records that state with every job that brings none", async () => {
    // A stand-in for git on PATH that logs every call: a dirty tree, so one question set is three calls.
    const bin = join(work.path, "git-bin");
    const log = join(work.path, "git-calls.log");
    mkdirSync(bin);
    const head = join(work.path, "git-head");
    writeFileSync(head, "fedcba9876543210fedcba9876543210fedcba98\n");
    writeFileSync(
      join(bin, "git"),
      `#!/bin/sh\necho "$*" >> '${log}'\ncase "$1" in\n  rev-parse) cat '${head}' ;;\n  status) echo " M a.txt" ;;\n  diff) echo "+new" ;;\nesac\n`,
    );
    chmodSync(join(bin, "git"), 0o755);
    const studyPath = join(work.path, "git-once.json");
    writeFileSync(
      studyPath,
      JSON.stringify({
        name: "worker-git-once",
        question: "Does a distributed worker's fitting process ask git once?",
        dataset: { name: "sotu" },
        split: { strategy: "group", by: "president" },
        seeds: [1, 2, 3],
        systems: [{ name: "majority", kind: "majority" }],
      }),
    );
    const loaded = await loadStudy(studyPath);
    const jobs = planFirstPhase(loaded.study, {});
    assert.equal(jobs.length, 3);
    const store = join(work.path, "git-store");
    const context = studyJobContext(loaded, store);
    assert.equal(context.git, undefined, "a queued job's context brings no git state");
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ""}`;
    const fitter = await startFitProcess(["majority"]).finally(() => {
      process.env.PATH = path;
    });
    // The checkout moves on after the process loaded its code: its runs still record what it loaded.
    writeFileSync(head, "0000000000000000000000000000000000000000\n");
    try {
      for (const job of jobs) await fitter.fit(context, job, () => {});
    } finally {
      await fitter.kill("SIGTERM");
    }
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), [
      "rev-parse HEAD",
      "status --porcelain",
      "diff HEAD",
    ]);
    const runs = await (await openTracker({ store })).runs({ experiment: "worker-git-once" });
    assert.equal(runs.length, 3);
    for (const run of runs) {
      assert.equal(run.env.gitCommit, "fedcba9876543210fedcba9876543210fedcba98");
      assert.equal(run.env.gitDirty, true);
    }
  });
});
