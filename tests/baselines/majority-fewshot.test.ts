import assert from "node:assert/strict";
import { test } from "node:test";
import { fewshotParams, fewshotSystem, majorityParams, majoritySystem } from "../../src/baselines/index.js";
import { loadDataset, makeSplit } from "../../src/data/index.js";
import type { Example } from "../../src/data/types.js";
import { scoreClassification } from "../../src/metrics/index.js";
import { createRng } from "../../src/util/random.js";
import { contextFor } from "../rag/context.js";

const spam = await loadDataset("spam-assassin");
const split = makeSplit(spam, { strategy: "stratified", seed: 1 });
const rng = createRng(9);
const sample = (rows: Example[], n: number) => rng.shuffle([...rows]).slice(0, n);
const small = { train: sample(split.train, 600), val: sample(split.val, 100), test: sample(split.test, 200) };

test("majority predicts the most frequent training class with the class shares, or the training mean", async () => {
  const output = await majoritySystem.run(contextFor(spam, small, majorityParams.parse({}), "/nonexistent"));
  const hamShare = small.train.filter((row) => row.label === "ham").length / small.train.length;
  for (const p of [...output.valPredictions, ...output.testPredictions]) {
    assert.equal(p.label, "ham");
    assert.ok(Math.abs((p.scores?.ham as number) - hamShare) < 1e-12);
  }
  assert.equal(majorityParams.safeParse({ k: 1 }).success, false);
  const sotu = await loadDataset("sotu");
  const years = makeSplit(sotu, { strategy: "random", seed: 1 });
  const regression = await majoritySystem.run(contextFor(sotu, years, {}, "/nonexistent"));
  const mean = years.train.reduce((s, row) => s + (row.target as number), 0) / years.train.length;
  assert.ok(regression.testPredictions.every((p) => p.value === mean));
});

test("few-shot nearest prototype: seeded, draws `shots` per class, beats the majority class on spam F1", async () => {
  const params = fewshotParams.parse({});
  assert.deepEqual(params, { shots: 8, neighbours: 3 });
  const first = await fewshotSystem.run(contextFor(spam, small, params, "/nonexistent", 4));
  const again = await fewshotSystem.run(contextFor(spam, small, params, "/nonexistent", 4));
  const other = await fewshotSystem.run(contextFor(spam, small, params, "/nonexistent", 5));
  assert.deepEqual(again.testPredictions, first.testPredictions);
  assert.notDeepEqual(other.testPredictions, first.testPredictions);
  assert.equal(first.summary?.shots_drawn, 16);
  const f1 = scoreClassification(
    small.test.map((row) => row.label as string),
    first.testPredictions.map((p) => p.label as string),
    { labels: spam.labels, positiveLabel: "spam" },
  ).f1;
  assert.ok(f1 > 0.3, `few-shot F1 ${f1}`);
  const many = await fewshotSystem.run(
    contextFor(spam, small, fewshotParams.parse({ shots: 10_000 }), "/nonexistent"),
  );
  assert.equal(
    many.summary?.shots_drawn,
    small.train.length,
    "shots beyond a class's size take the whole class",
  );
});
