import assert from "node:assert/strict";
import { test } from "node:test";
import {
  aggregateTarget,
  type KbHit,
  reciprocalRankFusion,
  voteLabel,
  weightedMedian,
} from "../../src/rag/index.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";

function hit(
  id: string,
  score: number,
  rank: number,
  extra: { label?: string; target?: number } = {},
): KbHit {
  return { document: { id, text: id, meta: {}, ...extra }, score, rank };
}

test("similarity-weighted vote: class shares sum to 1, the heavier class wins, ties go to the nearer neighbour", () => {
  const hits = [
    hit("a", 3, 1, { label: "ham" }),
    hit("b", 2, 2, { label: "spam" }),
    hit("c", 2, 3, { label: "spam" }),
  ];
  const similarity = voteLabel(hits, ["ham", "spam"], "similarity", "ham");
  assert.equal(similarity.label, "spam");
  assert.deepEqual(similarity.scores, { ham: 3 / 7, spam: 4 / 7 });
  const rank = voteLabel(hits, ["ham", "spam"], "rank", "spam");
  assert.equal(rank.label, "ham");
  assert.ok(Math.abs((rank.scores.ham as number) - 1 / (1 + 1 / 2 + 1 / 3)) < 1e-12);
  const tied = voteLabel(
    [hit("x", 1, 1, { label: "spam" }), hit("y", 1, 2, { label: "ham" })],
    ["ham", "spam"],
    "uniform",
    "ham",
  );
  assert.equal(tied.label, "spam");
  const empty = voteLabel([], ["ham", "spam"], "similarity", "ham");
  assert.deepEqual(empty, { label: "ham", scores: { ham: 1, spam: 0 } });
  const negative = voteLabel([hit("n", -0.2, 1, { label: "spam" })], ["ham", "spam"], "similarity", "ham");
  assert.equal(negative.label, "spam", "all-negative cosines fall back to a uniform vote");
});

test("weighted mean and median of neighbour targets agree with numpy on 100 random cases", () => {
  const rng = createRng(3);
  const cases = Array.from({ length: 100 }, () => {
    const n = 1 + rng.int(12);
    return {
      values: Array.from({ length: n }, () => Math.round(rng.normal() * 100) / 10),
      weights: Array.from({ length: n }, () => 1 + rng.int(4)),
    };
  });
  // Integer weights: the weighted median equals numpy's median of the values repeated weight times.
  const expected = runPython<[number, number][]>(
    `import json, sys, numpy as np
cases = json.load(sys.stdin)
print(json.dumps([[float(np.average(c["values"], weights=c["weights"])), float(np.median(np.repeat(c["values"], c["weights"])))] for c in cases]))`,
    cases,
  );
  cases.forEach((c, i) => {
    const [mean, median] = expected[i] as [number, number];
    assert.ok(Math.abs(weightedMedian(c.values, c.weights) - median) < 1e-9, `case ${i} median`);
    const hits = c.values.map((target, r) => hit(`d${r}`, c.weights[r] as number, r + 1, { target }));
    assert.ok(Math.abs(aggregateTarget(hits, "similarity", "mean", 0) - mean) < 1e-9, `case ${i} mean`);
    assert.ok(
      Math.abs(aggregateTarget(hits, "similarity", "median", 0) - median) < 1e-9,
      `case ${i} median via hits`,
    );
  });
  assert.equal(aggregateTarget([], "uniform", "mean", 42), 42);
});

test("reciprocal rank fusion sums 1/(k + rank) over lists and keeps the k best", () => {
  const bm25 = [hit("a", 9, 1), hit("b", 8, 2), hit("c", 7, 3)];
  const dense = [hit("c", 0.9, 1), hit("d", 0.8, 2), hit("a", 0.7, 3)];
  const fused = reciprocalRankFusion([bm25, dense], 3, 60);
  assert.deepEqual(
    fused.map((h) => h.document.id),
    ["a", "c", "b"],
  );
  assert.ok(Math.abs((fused[0]?.score as number) - (1 / 61 + 1 / 63)) < 1e-15);
  assert.deepEqual(
    fused.map((h) => h.rank),
    [1, 2, 3],
  );
});
