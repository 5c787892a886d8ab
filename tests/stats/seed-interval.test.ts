import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregateSeeds, InputError, metricRange, seedInterval, studentTQuantile } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";

test("metricRange knows the bounded metrics by their recorded names", () => {
  for (const name of [
    "test_f1",
    "val_f1",
    "f1_macro",
    "test_accuracy",
    "test_label_precision_at_k",
    "oov_rate",
  ])
    assert.deepEqual(metricRange(name), { low: 0, high: 1 }, name);
  for (const name of ["test_mae", "val_mae", "test_rmse"])
    assert.deepEqual(metricRange(name), { low: 0, high: Number.POSITIVE_INFINITY }, name);
  assert.deepEqual(metricRange("test_r2"), { low: Number.NEGATIVE_INFINITY, high: 1 });
  assert.deepEqual(metricRange("examples_per_s"), {
    low: Number.NEGATIVE_INFINITY,
    high: Number.POSITIVE_INFINITY,
  });
});

test("the README's case: F1 0.977 over 3 seeds no longer reaches past 1", () => {
  const values = [0.9465, 0.9895, 0.995];
  const plain = aggregateSeeds(values);
  assert.ok(plain.ciHigh > 1, "the plain t-interval passes 1");
  const bounded = seedInterval(values, metricRange("test_f1"));
  assert.equal(bounded.mean, plain.mean);
  assert.equal(bounded.std, plain.std);
  assert.ok(bounded.ciHigh <= 1 && bounded.ciLow >= 0);
  assert.ok(bounded.ciLow <= bounded.mean && bounded.mean <= bounded.ciHigh);
});

test("on 2,000 seeded random samples every interval stays in range and holds the mean", () => {
  const rng = createRng(2026);
  const kinds = [
    { range: metricRange("test_f1"), draw: () => Math.min(1, Math.max(0, 1 - rng.next() ** 3 * rng.next())) },
    { range: metricRange("test_mae"), draw: () => (rng.next() < 0.1 ? 0 : rng.next() * 3 * rng.next()) },
    { range: metricRange("test_r2"), draw: () => (rng.next() < 0.1 ? 1 : 1 - 4 * rng.next() ** 4) },
  ];
  for (let i = 0; i < 2000; i++) {
    const kind = kinds[i % kinds.length] as (typeof kinds)[number];
    const n = 2 + rng.int(9);
    const values = Array.from({ length: n }, kind.draw);
    const got = seedInterval(values, kind.range);
    assert.ok(got.ciLow >= kind.range.low && got.ciHigh <= kind.range.high, JSON.stringify({ values, got }));
    assert.ok(got.ciLow <= got.mean && got.mean <= got.ciHigh, JSON.stringify({ values, got }));
  }
});

test("the interval is the t-interval of the logit (or log) values, mapped back", () => {
  const values = [0.62, 0.7, 0.81, 0.74];
  const logits = values.map((p) => Math.log(p / (1 - p)));
  const t = aggregateSeeds(logits);
  const half = studentTQuantile(0.975, 3) * (t.std / 2);
  const back = (y: number) => 1 / (1 + Math.exp(-y));
  const got = seedInterval(values, metricRange("test_accuracy"));
  assert.ok(Math.abs(got.ciLow - back(t.mean - half)) < 1e-12);
  assert.ok(Math.abs(got.ciHigh - back(t.mean + half)) < 1e-12);
  const maes = [3.1, 4.4, 2.9];
  const logs = aggregateSeeds(maes.map(Math.log));
  const logHalf = studentTQuantile(0.975, 2) * (logs.std / Math.sqrt(3));
  const mae = seedInterval(maes, metricRange("test_mae"));
  assert.ok(Math.abs(mae.ciLow - Math.exp(logs.mean - logHalf)) < 1e-12);
  assert.ok(mae.ciLow > 0);
});

test("edge cases: equal values, one seed, unbounded metrics, values outside the range", () => {
  assert.deepEqual(seedInterval([0, 0, 0], metricRange("test_f1")), {
    mean: 0,
    std: 0,
    n: 3,
    ciLow: 0,
    ciHigh: 0,
  });
  const single = seedInterval([0.7], metricRange("test_f1"));
  assert.ok(Number.isNaN(single.ciLow) && Number.isNaN(single.ciHigh));
  const free = [1.5, -2, 7];
  assert.deepEqual(seedInterval(free, metricRange("delta")), aggregateSeeds(free));
  assert.throws(() => seedInterval([0.5, 1.2], metricRange("test_f1")), InputError);
  assert.throws(() => seedInterval([-0.1, 2], metricRange("test_mae")), InputError);
});
