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
});
