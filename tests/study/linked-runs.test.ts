import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-linked-");
after(work.cleanup);

// A run that builds on another (dense RAG over the fine-tuned table of "ft", same seed) next to cheap
// baselines: with one worker the jobs run one at a time, longest expected first.
const study = {
  name: "linked-early",
  question: "Does a run that builds on another start as soon as that run has finished?",
  dataset: { name: "sotu" },
  split: { strategy: "group", by: "president" },
  seeds: [1],
  systems: [
    { name: "ft", kind: "finetune", params: { epochs: 1, minSteps: 4 } },
    { name: "rag-ft", kind: "rag", params: { retriever: "dense", k: 5, embeddingRun: "@ft" } },
    { name: "majority", kind: "majority" },
    { name: "majority-again", kind: "majority" },
  ],
};
const studyPath = join(work.path, "study.json");
writeFileSync(studyPath, JSON.stringify(study));
const store = join(work.path, "store");

interface ListedRun {
  id: string;
  status: string;
  startedAt: string;
  params: Record<string, unknown>;
  tags: Record<string, string | boolean>;
}

interface Outcome {
  planned: number;
  reused: number;
  ran: number;
  failed: unknown[];
}

async function run(): Promise<Outcome> {
  const result = await runCli([
    "run",
    studyPath,
    "--store",
    store,
    "--workers",
    "1",
    "--no-report",
    "--json",
  ]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Outcome;
}

describe("a study with a run that builds on another", () => {
  test("starts it as soon as the run it references has finished, before cheaper runs of the phase", async () => {
    const outcome = await run();
    assert.equal(outcome.planned, 4);
    assert.equal(outcome.ran, 4);
    assert.equal(outcome.failed.length, 0);
    const listed = await runCli(["ls", "--store", store, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const runs = (JSON.parse(listed.stdout) as ListedRun[]).filter((r) => r.tags.stage === "final");
    const order = runs
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
      .map((r) => String(r.tags.system));
    assert.deepEqual(order, ["ft", "rag-ft", "majority", "majority-again"]);
    const ft = runs.find((r) => r.tags.system === "ft");
    const ragFt = runs.find((r) => r.tags.system === "rag-ft");
    assert.equal(ragFt?.params.embeddingRun, ft?.id);
    for (const r of runs) assert.equal(r.status, "finished", String(r.tags.system));
  });

  test("a second run of the study reuses every run, the linked one included", async () => {
    const outcome = await run();
    assert.equal(outcome.planned, 4);
    assert.equal(outcome.reused, 4);
    assert.equal(outcome.ran, 0);
  });
});
