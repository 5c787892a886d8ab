import assert from "node:assert/strict";
import { test } from "node:test";
import {
  InputError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2Score,
  rootMeanSquaredError,
  scoreRegression,
} from "../../src/index.js";
import { createRng, type Rng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertClose } from "./assert-close.js";

/** Random regression cases with constant targets, perfect predictions, zero targets and a single row. */
function randomCase(rng: Rng, index: number): { yTrue: number[]; yPred: number[] } {
  const n = index % 11 === 0 ? 1 + rng.int(2) : 1 + rng.int(300);
  const scale = [1, 1000, 1e-3, 1e6][index % 4] as number;
  let yTrue = Array.from({ length: n }, () => rng.normal() * scale + (index % 3) * scale);
  if (index % 5 === 0) yTrue = yTrue.map(() => Math.round((yTrue[0] as number) * 2) / 2); // constant target
  if (index % 6 === 0) yTrue = yTrue.map((v, i) => (i % 3 === 0 ? 0 : v)); // zero targets (MAPE guard)
  if (index % 13 === 0) yTrue = yTrue.map((_, i) => 0.1 * (i % 2 === 0 ? 1 : 1)); // constant 0.1: inexact mean
  const noise = rng.next() * scale;
  let yPred = yTrue.map((v) => v + rng.normal() * noise);
  if (index % 9 === 0) yPred = [...yTrue]; // perfect predictions
  if (index % 10 === 0) yPred = yTrue.map(() => Math.round(rng.normal() * 10)); // unrelated integers
  return { yTrue, yPred };
}

test("regression metrics match scikit-learn on 400 random cases (constant and zero targets included)", () => {
  const rng = createRng(4242);
  const cases = Array.from({ length: 400 }, (_, i) => randomCase(rng, i));
  const script = `
import json, sys, math, warnings
warnings.simplefilter("ignore")
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score, median_absolute_error, mean_absolute_percentage_error
def clean(x):
    x = float(x)
    return "nan" if math.isnan(x) else x
out = []
for c in json.load(sys.stdin):
    t, p = c["yTrue"], c["yPred"]
    out.append({
        "mae": clean(mean_absolute_error(t, p)), "mse": clean(mean_squared_error(t, p)),
        "rmse": clean(mean_squared_error(t, p, squared=False)), "r2": clean(r2_score(t, p)),
        "medae": clean(median_absolute_error(t, p)), "mape": clean(mean_absolute_percentage_error(t, p)),
    })
print(json.dumps(out))
`;
  type Ref = Record<"mae" | "mse" | "rmse" | "r2" | "medae" | "mape", number | string>;
  const expected = runPython<Ref[]>(script, cases);
  let constant = 0;
  let zeros = 0;
  cases.forEach((c, i) => {
    const ref = expected[i] as Ref;
    const context = `case ${i} (n=${c.yTrue.length})`;
    if (new Set(c.yTrue).size === 1 && c.yTrue.length > 1) constant++;
    if (c.yTrue.includes(0)) zeros++;
    assertClose(meanAbsoluteError(c.yTrue, c.yPred), ref.mae, `${context} mae`);
    assertClose(meanSquaredError(c.yTrue, c.yPred), ref.mse, `${context} mse`);
    assertClose(rootMeanSquaredError(c.yTrue, c.yPred), ref.rmse, `${context} rmse`);
    assertClose(r2Score(c.yTrue, c.yPred), ref.r2, `${context} r2`);
    assertClose(medianAbsoluteError(c.yTrue, c.yPred), ref.medae, `${context} medae`);
    assertClose(meanAbsolutePercentageError(c.yTrue, c.yPred), ref.mape, `${context} mape`);
    const summary = scoreRegression(c.yTrue, c.yPred);
    assertClose(summary.mae, ref.mae, `${context} summary mae`);
    assertClose(summary.rmse, ref.rmse, `${context} summary rmse`);
    assertClose(summary.r2, ref.r2, `${context} summary r2`);
  });
  assert.ok(constant >= 40, `constant-target cases: ${constant}`);
  assert.ok(zeros >= 40, `zero-target cases: ${zeros}`);
});

test("r2Score follows sklearn's force_finite convention for constant targets", () => {
  assert.equal(r2Score([3, 3, 3], [3, 3, 3]), 1);
  assert.equal(r2Score([3, 3, 3], [3, 4, 3]), 0);
  assert.ok(Number.isNaN(r2Score([1], [2])));
});

test("regression metrics reject mismatched, empty or non-finite inputs with InputError", () => {
  assert.throws(() => meanAbsoluteError([1, 2], [1]), InputError);
  assert.throws(() => rootMeanSquaredError([], []), InputError);
  assert.throws(() => r2Score([1, Number.NaN], [1, 2]), /y_true\[1\]/);
  assert.throws(() => meanAbsolutePercentageError([1, 2], [1, Number.POSITIVE_INFINITY]), /y_pred\[1\]/);
});
