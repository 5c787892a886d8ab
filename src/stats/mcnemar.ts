import { InputError } from "../util/errors.js";
import { binomialTestHalf, chiSquaredSf } from "./distributions.js";
import { checkSameLength } from "./validate.js";

/** McNemar's test on the discordant pairs of two systems scored on the same examples. */
export interface McNemarResult {
  /** Examples A got right and B got wrong. */
  b: number;
  /** Examples A got wrong and B got right. */
  c: number;
  /** min(b, c) for the exact test; (|b − c| − 1)² / (b + c) for chi-squared. */
  statistic: number;
  pValue: number;
  method: "exact" | "chi2";
}

/**
 * McNemar's test: exact two-sided binomial test when b + c < `exactThreshold` (default 25), else the
 * chi-squared test with continuity correction (the correction is floored at 0 when b = c).
 */
export function mcnemarTest(
  correctA: readonly boolean[],
  correctB: readonly boolean[],
  options: { exactThreshold?: number } = {},
): McNemarResult {
  checkSameLength("mcnemarTest", { correctA, correctB });
  const threshold = options.exactThreshold ?? 25;
  if (!(threshold >= 0)) throw new InputError(`mcnemarTest: exactThreshold must be >= 0, not ${threshold}`);
  let b = 0;
  let c = 0;
  for (let i = 0; i < correctA.length; i++) {
    if (correctA[i] && !correctB[i]) b++;
    else if (!correctA[i] && correctB[i]) c++;
  }
  if (b + c < threshold || b + c === 0) {
    return { b, c, statistic: Math.min(b, c), pValue: binomialTestHalf(b, b + c), method: "exact" };
  }
  const statistic = Math.max(0, Math.abs(b - c) - 1) ** 2 / (b + c);
  return { b, c, statistic, pValue: chiSquaredSf(statistic, 1), method: "chi2" };
}
