import assert from "node:assert/strict";
import { test } from "node:test";
import {
  comparePaired,
  comparePredictionRows,
  compareSystems,
  f1Score,
  holmBonferroni,
  InputError,
  mcnemarTest,
  meanAbsoluteError,
  pairedBootstrap,
  pairedComparisonTable,
  permutationTest,
} from "../../src/index.js";
import { createRng } from "../../src/util/random.js";

function systems(seed: number, n: number, accuracies: number[]) {
  const rng = createRng(seed);
  const yTrue = Array.from({ length: n }, () => (rng.next() < 0.3 ? "spam" : "ham"));
  const preds = accuracies.map((accuracy) =>
    yTrue.map((label) => (rng.next() < accuracy ? label : label === "spam" ? "ham" : "spam")),
  );
  return { yTrue, preds };
}

test("comparePaired on classification combines binary F1, paired bootstrap, permutation and McNemar", () => {
  const { yTrue, preds } = systems(1, 300, [0.92, 0.8]);
  const [predA, predB] = preds as [string[], string[]];
  const input = {
    yTrue,
    predA,
    predB,
    task: "classification" as const,
    positiveLabel: "spam",
    labels: ["ham", "spam"],
    seed: 4,
    resamples: 200,
  };
  const result = comparePaired(input);
  const f1 = (t: string[], p: string[]) => f1Score(t, p, { average: "binary", posLabel: "spam" });
  const boot = pairedBootstrap(yTrue, predA, predB, f1, { seed: 4, resamples: 200 });
  assert.equal(result.metric, "f1");
  assert.equal(result.higherIsBetter, true);
  assert.equal(result.n, 300);
  assert.equal(result.a, f1(yTrue, predA));
  assert.equal(result.b, f1(yTrue, predB));
  assert.equal(result.difference, result.a - result.b);
  assert.deepEqual(result.ci, { low: boot.low, high: boot.high, confidence: 0.95 });
  assert.equal(result.bootstrapP, boot.pValue);
  assert.equal(
    result.permutationP,
    permutationTest(yTrue, predA, predB, f1, { seed: 4, resamples: 200 }).pValue,
  );
  assert.deepEqual(
    result.mcnemar,
    mcnemarTest(
      yTrue.map((y, i) => y === predA[i]),
      yTrue.map((y, i) => y === predB[i]),
    ),
  );
  assert.deepEqual(comparePaired(input), result);
});

test("comparePaired on regression compares MAE (lower is better) and has no McNemar", () => {
  const rng = createRng(2);
  const yTrue = Array.from({ length: 100 }, () => rng.normal() * 10);
  const predA = yTrue.map((y) => y + rng.normal());
  const predB = yTrue.map((y) => y + 3 * rng.normal());
  const result = comparePaired({ yTrue, predA, predB, task: "regression", seed: 1, resamples: 200 });
  assert.equal(result.metric, "mae");
  assert.equal(result.higherIsBetter, false);
  assert.equal(result.a, meanAbsoluteError(yTrue, predA));
  assert.ok(result.difference < 0 && result.ci.high < 0);
  assert.equal(result.mcnemar, undefined);
  assert.throws(
    () => comparePaired({ yTrue: ["x"], predA: [1], predB: [1], task: "regression", seed: 1 }),
    InputError,
  );
  assert.throws(
    () => comparePaired({ yTrue: [1], predA: [1], predB: [1], task: "regression", seed: 1, metric: "f1" }),
    InputError,
  );
});

test("compareSystems applies Holm-Bonferroni to the chosen p-values of the family", () => {
  const { yTrue, preds } = systems(3, 200, [0.9, 0.88, 0.75, 0.9]);
  const [base, close, worse, twin] = preds as [string[], string[], string[], string[]];
  const common = {
    yTrue,
    task: "classification" as const,
    labels: ["ham", "spam"],
    positiveLabel: "spam",
    seed: 2,
    resamples: 200,
  };
  const family = [
    { name: "close", predA: base, predB: close, ...common },
    { name: "worse", predA: base, predB: worse, ...common },
    { name: "twin", predA: base, predB: twin, ...common },
  ];
  for (const test of ["permutation", "bootstrap", "mcnemar"] as const) {
    const results = compareSystems(family, { test });
    const raw = results.map((r) =>
      test === "permutation"
        ? r.permutationP
        : test === "bootstrap"
          ? r.bootstrapP
          : (r.mcnemar?.pValue ?? 1),
    );
    assert.deepEqual(
      results.map((r) => r.adjustedP),
      holmBonferroni(raw),
    );
    assert.deepEqual(
      results.map((r) => r.name),
      ["close", "worse", "twin"],
    );
    assert.ok(results.every((r) => r.test === test && r.adjustedP >= Math.min(...raw)));
  }
  const regression = {
    yTrue: [1, 2, 3],
    predA: [1, 2, 2],
    predB: [2, 2, 3],
    task: "regression" as const,
    seed: 1,
  };
  assert.throws(() => compareSystems([{ name: "r", ...regression }], { test: "mcnemar" }), InputError);
});

test("comparePredictionRows pairs two runs' predictions.jsonl rows by id and compares the test split", () => {
  const { yTrue, preds } = systems(5, 120, [0.9, 0.7]);
  const [predA, predB] = preds as [string[], string[]];
  const rowsA = yTrue.map((y, i) => ({ split: "test", id: `e${i}`, y_true: y, y_pred: predA[i] as string }));
  // Run B lists its rows in another order, has one extra test row and some validation rows.
  const rowsB = [
    ...yTrue.map((y, i) => ({ split: "test", id: `e${i}`, y_true: y, y_pred: predB[i] as string })).reverse(),
    { split: "test", id: "extra", y_true: "ham", y_pred: "ham" },
    { split: "val", id: "e0", y_true: "spam", y_pred: "spam" },
  ];
  const result = comparePredictionRows(rowsA, rowsB, { seed: 3, positiveLabel: "spam", resamples: 200 });
  const direct = comparePaired({
    yTrue,
    predA,
    predB,
    task: "classification",
    labels: ["ham", "spam"],
    positiveLabel: "spam",
    seed: 3,
    resamples: 200,
  });
  assert.deepEqual(result, { ...direct, task: "classification", unpairedA: 0, unpairedB: 1 });
  const numeric = comparePredictionRows(
    [1, 2, 3].map((y, i) => ({ id: String(i), y_true: y, y_pred: y + 1 })),
    [1, 2, 3].map((y, i) => ({ id: String(i), y_true: y, y_pred: y })),
    { seed: 1, resamples: 50 },
  );
  assert.equal(numeric.task, "regression");
  assert.equal(numeric.difference, 1);
  assert.throws(
    () =>
      comparePredictionRows(
        [{ id: "a", y_true: "x", y_pred: "x" }],
        [{ id: "a", y_true: "y", y_pred: "x" }],
        { seed: 1 },
      ),
    /different|same data/,
  );
  assert.throws(
    () =>
      comparePredictionRows(
        [{ id: "a", y_true: "x", y_pred: "x" }],
        [{ id: "b", y_true: "x", y_pred: "x" }],
        { seed: 1 },
      ),
    InputError,
  );
});

test("pairedComparisonTable compares the first run with each other run and Holm-adjusts the permutation p", () => {
  const { yTrue, preds } = systems(6, 150, [0.9, 0.88, 0.6]);
  const rowsOf = (pred: string[]) =>
    yTrue.map((y, i) => ({ split: "test", id: `e${i}`, y_true: y, y_pred: pred[i] as string }));
  const runs = preds.map((pred, i) => ({ id: `run${i}`, name: `system ${i}`, rows: rowsOf(pred) }));
  const table = pairedComparisonTable([...runs, { id: "empty", name: "no predictions", rows: [] }], {
    seed: 2,
    positiveLabel: "spam",
    resamples: 200,
  });
  assert.ok(table);
  assert.equal(table.rows.length, 2);
  const direct = [1, 2].map((k) =>
    comparePredictionRows(runs[0]?.rows ?? [], runs[k]?.rows ?? [], {
      seed: 2,
      positiveLabel: "spam",
      resamples: 200,
    }),
  );
  const holm = holmBonferroni(direct.map((d) => d.permutationP));
  table.rows.forEach((row, i) => {
    assert.equal(row[0], `system ${i + 1} (run${i + 1})`);
    assert.equal(row[1], 150);
    assert.equal(row[2], "f1");
    assert.equal(row[5], Number((direct[i]?.difference ?? 0).toPrecision(4)));
    assert.equal(row[9], Number((holm[i] ?? 0).toPrecision(4)));
  });
  assert.equal(pairedComparisonTable(runs.slice(0, 1)), undefined);
});
