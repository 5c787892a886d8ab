import { mean, pairwiseSum } from "./pairwise-sum.js";
import { checkFinite, checkPaired } from "./validate.js";

/**
 * Coefficient of determination (sklearn's `r2_score`, force_finite=True): for constant targets 1.0 when
 * the predictions are perfect, else 0.0; NaN with fewer than two examples (undefined).
 */
export function r2Score(yTrue: readonly number[], yPred: readonly number[]): number {
  checkPaired("r2Score", yTrue, yPred);
  checkFinite("r2Score", "y_true", yTrue);
  checkFinite("r2Score", "y_pred", yPred);
  if (yTrue.length < 2) return Number.NaN;
  const center = mean(yTrue);
  const numerator = pairwiseSum(yTrue.map((value, i) => (value - (yPred[i] as number)) ** 2));
  const denominator = pairwiseSum(yTrue.map((value) => (value - center) ** 2));
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}
