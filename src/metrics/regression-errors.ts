import { mean, median } from "./pairwise-sum.js";
import { checkFinite, checkPaired } from "./validate.js";

/** Guard against zero targets in MAPE: numpy's float64 machine epsilon, as scikit-learn uses. */
const epsilon = 2.220446049250313e-16;

/** Residuals ŷ − y in one pass, validating lengths and finiteness on the way. */
function residuals(what: string, yTrue: readonly number[], yPred: readonly number[]): number[] {
  checkPaired(what, yTrue, yPred);
  const out = new Array<number>(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] as number;
    const p = yPred[i] as number;
    out[i] = p - t;
    if (!Number.isFinite(out[i] as number)) {
      checkFinite(what, "y_true", yTrue);
      checkFinite(what, "y_pred", yPred);
    }
  }
  return out;
}

/** Mean absolute error (sklearn's `mean_absolute_error`). */
export function meanAbsoluteError(yTrue: readonly number[], yPred: readonly number[]): number {
  return mean(residuals("meanAbsoluteError", yTrue, yPred).map((r) => Math.abs(r)));
}

/** Mean squared error. */
export function meanSquaredError(yTrue: readonly number[], yPred: readonly number[]): number {
  return mean(residuals("meanSquaredError", yTrue, yPred).map((r) => r * r));
}

/** Root mean squared error (sklearn's `mean_squared_error(squared=False)`). */
export function rootMeanSquaredError(yTrue: readonly number[], yPred: readonly number[]): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/** Median absolute error (sklearn's `median_absolute_error`). */
export function medianAbsoluteError(yTrue: readonly number[], yPred: readonly number[]): number {
  return median(residuals("medianAbsoluteError", yTrue, yPred).map((r) => Math.abs(r)));
}

/**
 * Mean absolute percentage error as a fraction (sklearn's `mean_absolute_percentage_error`): each error is
 * divided by max(|y|, machine epsilon), so a zero target gives a huge but finite term instead of Infinity.
 */
export function meanAbsolutePercentageError(yTrue: readonly number[], yPred: readonly number[]): number {
  const errors = residuals("meanAbsolutePercentageError", yTrue, yPred);
  return mean(errors.map((r, i) => Math.abs(r) / Math.max(Math.abs(yTrue[i] as number), epsilon)));
}
