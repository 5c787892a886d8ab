import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);

const study = {
  name: "resume-check",
  question: "Does an interrupted study resume without redoing finished runs?",
  dataset: { name: "sotu" },
  split: { strategy: "group", by: "president" },
  seeds: [1, 2, 3, 4],
  systems: [
    { name: "rag-bm25", kind: "rag", params: { retriever: "bm25", k: 5 } },
    { name: "ridge", kind: "tfidf-logreg" },
    { name: "mean", kind: "majority" },
  ],
};

interface ListedRun {
  id: string;
  status: string;
  tags?: Record<string, string | boolean>;
  latest?: Record<string, number>;
}

async function listRuns(store: string): Promise<ListedRun[]> {
  const result = await runCli(["ls", "--store", store, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ListedRun[];
}

const bin = new URL("../../bin/expbook.js", import.meta.url).pathname;

describe("an interrupted study", () => {
  test("killed with SIGKILL mid-study, then started again, finishes without repeating finished runs", async () => {
    const path = join(work.path, "resume.json");
    const store = join(work.path, "store");
    writeFileSync(path, JSON.stringify(study));
    const child = spawn(
      process.execPath,
      [bin, "run", path, "--store", store, "--workers", "1", "--no-report"],
      { stdio: "ignore" },
    );
    let finishedBefore: ListedRun[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      await sleep(300);
      finishedBefore = (await listRuns(store).catch(() => [])).filter(
        (run) => run.status === "finished" && run.tags?.stage === "final",
      );
      if (finishedBefore.length >= 2) break;
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    assert.ok(
      finishedBefore.length >= 2 && finishedBefore.length < 12,
      `killed after ${finishedBefore.length} finished runs`,
    );
    await sleep(1500); // the orphaned worker notices its parent is gone and stops

    const again = await runCli(["run", path, "--store", store, "--workers", "1", "--no-report", "--json"]);
    assert.equal(again.code, 0, again.stderr);
    const outcome = JSON.parse(again.stdout);
    assert.ok(
      outcome.reused >= finishedBefore.length,
      `reused ${outcome.reused} of ${finishedBefore.length}`,
    );
    assert.equal(outcome.reused + outcome.ran, 12);

    const runs = await listRuns(store);
    const finals = runs.filter((run) => run.tags?.stage === "final" && run.status === "finished");
    const jobs = finals.map((run) => String(run.tags?.job));
    assert.equal(new Set(jobs).size, 12, "every job finished once");
    assert.equal(jobs.length, 12, "no finished job was run twice");
    for (const run of finishedBefore)
      assert.ok(
        finals.some((final) => final.id === run.id),
        `run ${run.id} kept`,
      );
    assert.equal(
      runs.filter((run) => run.status === "running").length,
      0,
      "nothing is left reading as running",
    );
  });

  test("Ctrl-C (SIGINT) stops cleanly: the study and its unfinished runs read killed, nothing stays running", async () => {
    const path = join(work.path, "sigint.json");
    const store = join(work.path, "store-sigint");
    const slow = { name: "ft", kind: "finetune", params: { epochs: 20, patience: 20 } };
    writeFileSync(
      path,
      JSON.stringify({
        ...study,
        name: "sigint-check",
        dataset: { name: "spam-assassin" },
        split: { strategy: "stratified" },
        systems: [slow],
      }),
    );
    const child = spawn(
      process.execPath,
      [bin, "run", path, "--store", store, "--workers", "1", "--no-report"],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      await sleep(200);
      const runs = await listRuns(store).catch(() => []);
      // Interrupt it while it trains (a first epoch logged), where the worker yields every ~50 ms; a
      // worker stuck longer than the watchdog's grace in one synchronous step is SIGKILLed instead.
      const training = (run: ListedRun) => Object.keys(run.latest ?? {}).length > 0;
      if (runs.some((run) => run.tags?.stage === "final" && run.status === "running" && training(run))) break;
    }
    child.kill("SIGINT");
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    assert.ok(exit.signal === "SIGINT" || exit.code !== 0, `exit ${JSON.stringify(exit)}`);
    // The worker notices its parent is gone at its next yield, marks its run killed and exits.
    let runs = await listRuns(store);
    for (let i = 0; i < 60 && runs.some((run) => run.status === "running"); i++) {
      await sleep(500);
      runs = await listRuns(store);
    }
    assert.equal(runs.find((run) => run.tags?.stage === "study")?.status, "killed");
    assert.ok(
      runs.some((run) => run.status === "killed" && run.tags?.stage === "final"),
      `the interrupted run reads killed: ${JSON.stringify(runs.map((run) => [run.status, run.tags]))}`,
    );
    assert.deepEqual(
      runs.filter((run) => !["killed", "finished"].includes(run.status)),
      [],
    );
  });
});
