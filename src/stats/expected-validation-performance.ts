import { InputError } from "../util/errors.js";

/** Expected best validation score after `n` trials of a sweep, with its standard deviation. */
export interface ExpectedPerformancePoint {
  n: number;
  expected: number;
  std: number;
}

/**
 * Expected validation performance (Dodge et al., 2019): for n = 1..maxTrials, the expected maximum of n
 * trials drawn with replacement from the observed scores, using their empirical CDF:
 * E[max_n] = Σ_i v_(i) · ((i/N)^n − ((i−1)/N)^n). `goal: "min"` gives the expected minimum (for MAE).
 */
export function expectedValidationPerformance(
  trialScores: readonly number[],
  maxTrials: number = trialScores.length,
  options: { goal?: "max" | "min" } = {},
): ExpectedPerformancePoint[] {
  if (trialScores.length === 0) throw new InputError("expectedValidationPerformance: no trial scores given");
  if (!Number.isInteger(maxTrials) || maxTrials < 1) {
    throw new InputError(
      `expectedValidationPerformance: maxTrials must be a positive integer, not ${maxTrials}`,
    );
  }
  for (const score of trialScores) {
    if (!Number.isFinite(score))
      throw new InputError(`expectedValidationPerformance: score ${score} is not finite`);
  }
  const sign = options.goal === "min" ? -1 : 1;
  const sorted = trialScores.map((score) => sign * score).sort((a, b) => a - b);
  const total = sorted.length;
  const points: ExpectedPerformancePoint[] = [];
  for (let n = 1; n <= maxTrials; n++) {
    let expected = 0;
    let second = 0;
    for (let i = 1; i <= total; i++) {
      const weight = (i / total) ** n - ((i - 1) / total) ** n;
      const value = sorted[i - 1] as number;
      expected += value * weight;
      second += value * value * weight;
    }
    points.push({ n, expected: sign * expected, std: Math.sqrt(Math.max(0, second - expected * expected)) });
  }
  return points;
}
