import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accuracyScore,
  bootstrapCI,
  f1Score,
  InputError,
  meanAbsoluteError,
  pairedBootstrap,
  permutationTest,
} from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertClose } from "../metrics/assert-close.js";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function labelled(seed: number, n: number, accuracyA: number, accuracyB: number) {
  const rng = createRng(seed);
  const yTrue = Array.from({ length: n }, () => (rng.next() < 0.3 ? "spam" : "ham"));
  const flip = (label: string) => (label === "spam" ? "ham" : "spam");
  const predA = yTrue.map((label) => (rng.next() < accuracyA ? label : flip(label)));
  const predB = yTrue.map((label) => (rng.next() < accuracyB ? label : flip(label)));
  return { yTrue, predA, predB };
}

test("bootstrapCI is deterministic per seed, differs across seeds, and brackets the estimate", () => {
  const { yTrue, predA } = labelled(1, 300, 0.85, 0.8);
  const f1 = (t: string[], p: string[]) => f1Score(t, p, { posLabel: "spam" });
  const first = bootstrapCI({ yTrue, yPred: predA }, f1, { seed: 9, resamples: 400 });
  const again = bootstrapCI({ yTrue, yPred: predA }, f1, { seed: 9, resamples: 400 });
  const other = bootstrapCI({ yTrue, yPred: predA }, f1, { seed: 10, resamples: 400 });
  assert.deepEqual(first, again);
  assert.notDeepEqual(first, other);
  assert.equal(first.estimate, f1(yTrue, predA));
  assert.ok(first.low < first.estimate && first.estimate < first.high, JSON.stringify(first));
  assert.equal(first.resamples, 400);
  assert.equal(first.dropped, 0);
  const narrow = bootstrapCI({ yTrue, yPred: predA }, f1, { seed: 9, resamples: 400, confidence: 0.5 });
  assert.ok(narrow.high - narrow.low < first.high - first.low);
});

test("bootstrapCI of a mean covers the true mean in about 95% of 200 simulated samples", () => {
  const rng = createRng(2);
  let covered = 0;
  for (let trial = 0; trial < 200; trial++) {
    const sample = Array.from({ length: 60 }, () => 5 + rng.normal());
    const ci = bootstrapCI(sample, mean, { seed: trial, resamples: 300 });
    assert.ok(ci.low <= ci.estimate && ci.estimate <= ci.high);
    if (ci.low <= 5 && 5 <= ci.high) covered++;
  }
  // Binomial(200, ~0.94): 170..199 is far outside chance for a broken interval, well inside for a sound one.
  assert.ok(covered >= 170 && covered <= 199, `covered ${covered}/200`);
});

test("bootstrapCI percentiles agree with numpy.percentile of the same resampled statistics", () => {
  const rng = createRng(3);
  const values = Array.from({ length: 25 }, () => rng.normal());
  // Reproduce the resamples (same PRNG stream) and let numpy take the percentiles.
  const stream = createRng(77);
  const stats = Array.from({ length: 201 }, () =>
    mean(values.map(() => values[stream.int(values.length)] as number)),
  );
  const [low, high] = runPython<number[]>(
    "import json,sys\nimport numpy as np\nv=json.load(sys.stdin)\nprint(json.dumps(np.percentile(v,[2.5,97.5]).tolist()))",
    stats,
  ) as [number, number];
  const ci = bootstrapCI(values, mean, { seed: 77, resamples: 201 });
  assertClose(ci.low, low, "low", 1e-12);
  assertClose(ci.high, high, "high", 1e-12);
});

test("pairedBootstrap: identical systems give difference 0 and p = 1; a clearly better system gets a small p", () => {
  const { yTrue, predA, predB } = labelled(4, 400, 0.95, 0.7);
  const same = pairedBootstrap(yTrue, predA, [...predA], accuracyScore, { seed: 1, resamples: 300 });
  assert.equal(same.difference, 0);
  assert.equal(same.low, 0);
  assert.equal(same.high, 0);
  assert.equal(same.pValue, 1);
  const better = pairedBootstrap(yTrue, predA, predB, accuracyScore, { seed: 1, resamples: 300 });
  assert.deepEqual(better, pairedBootstrap(yTrue, predA, predB, accuracyScore, { seed: 1, resamples: 300 }));
  assert.equal(better.difference, accuracyScore(yTrue, predA) - accuracyScore(yTrue, predB));
  assert.ok(better.low > 0 && better.low < better.difference && better.difference < better.high);
  assert.equal(better.pValue, 1 / 301);
});

test("permutationTest: identical systems give p = 1, same seed same p, a clear gap gives p = 1/(R+1)", () => {
  const { yTrue, predA, predB } = labelled(5, 300, 0.95, 0.7);
  const macro = (t: string[], p: string[]) => f1Score(t, p, { average: "macro" });
  const same = permutationTest(yTrue, predA, [...predA], macro, { seed: 3, resamples: 200 });
  assert.equal(same.pValue, 1);
  assert.equal(same.difference, 0);
  const gap = permutationTest(yTrue, predA, predB, macro, { seed: 3, resamples: 200 });
  assert.equal(gap.pValue, 1 / 201);
  assert.deepEqual(gap, permutationTest(yTrue, predA, predB, macro, { seed: 3, resamples: 200 }));
  // Two systems of equal skill: the p-value is not small.
  const { yTrue: t2, predA: a2, predB: b2 } = labelled(6, 300, 0.8, 0.8);
  const even = permutationTest(t2, a2, b2, accuracyScore, { seed: 3, resamples: 200 });
  assert.ok(even.pValue > 0.05, `p = ${even.pValue}`);
});

test("permutationTest p-values are roughly uniform under the null (200 simulated pairs of equal systems)", () => {
  let rejections = 0;
  for (let trial = 0; trial < 200; trial++) {
    const rng = createRng(1000 + trial);
    const yTrue = Array.from({ length: 40 }, () => rng.normal());
    const predA = yTrue.map((y) => y + rng.normal());
    const predB = yTrue.map((y) => y + rng.normal());
    if (
      permutationTest(yTrue, predA, predB, meanAbsoluteError, { seed: trial, resamples: 99 }).pValue <= 0.05
    ) {
      rejections++;
    }
  }
  // Expected ~10 of 200 at the 5% level; a test that always or never rejects fails this.
  assert.ok(rejections >= 2 && rejections <= 22, `rejections ${rejections}/200`);
});

test("resampling functions validate their inputs", () => {
  assert.throws(() => bootstrapCI([], mean, { seed: 1 }), InputError);
  assert.throws(() => bootstrapCI({ yTrue: ["a"], yPred: [] }, accuracyScore, { seed: 1 }), InputError);
  assert.throws(() => bootstrapCI([1, 2], mean, { seed: 1, resamples: 0 }), InputError);
  assert.throws(() => bootstrapCI([1, 2], mean, { seed: 1, confidence: 1.5 }), InputError);
  assert.throws(() => pairedBootstrap(["a"], ["a", "b"], ["a"], accuracyScore, { seed: 1 }), InputError);
  assert.throws(() => permutationTest(["a"], ["a"], ["a", "b"], accuracyScore, { seed: 1 }), InputError);
});
