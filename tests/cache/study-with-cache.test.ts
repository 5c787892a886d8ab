import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);

// Every system that reads through the derived cache: fine-tuning (tokens, vocabulary, token ids,
// pretrained rows), RAG over BM25, mean vectors and both (tokens, pooled vectors), and few-shot.
const study = {
  name: "cache-check",
  question: "Does the derived cache change any metric?",
  dataset: { name: "sotu" },
  split: { strategy: "group", by: "president" },
  seeds: [1],
  systems: [
    { name: "ft", kind: "finetune", params: { epochs: 1, minSteps: 4 } },
    { name: "rag-bm25", kind: "rag", params: { retriever: "bm25", k: 5 } },
    { name: "rag-dense", kind: "rag", params: { retriever: "dense", k: 5 } },
    { name: "rag-hybrid", kind: "rag", params: { retriever: "hybrid", k: 5 } },
    { name: "shots", kind: "fewshot", params: { shots: 4 } },
  ],
};

interface ListedRun {
  name: string;
  status: string;
  tags: Record<string, string | boolean>;
  summary: Record<string, number | string | boolean>;
}

/** Runs the study into a fresh store with the given derived cache; returns each job's val_/test_ metrics. */
async function metricsWith(cache: string, store: string): Promise<Map<string, Record<string, unknown>>> {
  const path = join(work.path, "study.json");
  writeFileSync(path, JSON.stringify(study));
  const env = { EXPBOOK_DERIVED_CACHE: cache };
  const run = await runCli(["run", path, "--store", store, "--workers", "2", "--no-report", "--json"], {
    env,
  });
  assert.equal(run.code, 0, run.stderr);
  const listed = await runCli(["ls", "--store", store, "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  const runs = (JSON.parse(listed.stdout) as ListedRun[]).filter((r) => r.tags.stage === "final");
  assert.equal(runs.length, 5);
  return new Map(
    runs.map((r) => {
      assert.equal(r.status, "finished", r.name);
      const metrics = Object.fromEntries(
        Object.entries(r.summary).filter(([name]) => name.startsWith("val_") || name.startsWith("test_")),
      );
      assert.ok(Object.keys(metrics).length >= 4, `${r.name} has metrics`);
      return [String(r.tags.job), metrics];
    }),
  );
}

describe("a study with the derived cache", () => {
  test("off, cold and warm give the same val_ and test_ metrics bit for bit", async () => {
    const cache = join(work.path, "derived");
    const off = await metricsWith("off", join(work.path, "store-off"));
    assert.equal(existsSync(cache), false);
    const cold = await metricsWith(cache, join(work.path, "store-cold"));
    const kinds = readdirSync(cache).sort();
    assert.deepEqual(kinds, [
      "knowledge-base-gzip",
      "pooled-vectors",
      "pretrained-rows",
      "token-ids",
      "tokens",
      "vocabulary",
    ]);
    const written = kinds.map((kind) => readdirSync(join(cache, kind)).length);
    const warm = await metricsWith(cache, join(work.path, "store-warm"));
    assert.deepEqual(
      kinds.map((kind) => readdirSync(join(cache, kind)).length),
      written,
      "the warm run computed nothing new",
    );
    assert.deepEqual(cold, off);
    assert.deepEqual(warm, off);
  });
});
