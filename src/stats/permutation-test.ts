import { createRng } from "../util/random.js";
import { tieTolerance } from "./paired-bootstrap.js";
import { resamplingOptions, checkSameLength } from "./validate.js";

/** Result of an approximate randomisation test between two systems. */
export interface PermutationTestResult {
  a: number;
  b: number;
  difference: number;
  /** (r + 1) / (R + 1), r = shuffles with |difference| at least the observed one. */
  pValue: number;
  resamples: number;
}

/**
 * Approximate randomisation (paired permutation) test for any metric: each shuffle swaps the two systems'
 * predictions on each example with probability 1/2 and recomputes |metric(A') − metric(B')|.
 * @example permutationTest(yTrue, predA, predB, (t, p) => f1Score(t, p, { average: "macro" }), { seed: 3 })
 */
export function permutationTest<T, P>(
  yTrue: readonly T[],
  predA: readonly P[],
  predB: readonly P[],
  metric: (yTrue: T[], yPred: P[]) => number,
  options: { seed: number; resamples?: number },
): PermutationTestResult {
  const { resamples } = resamplingOptions("permutationTest", {
    seed: options.seed,
    resamples: options.resamples,
  });
  const n = checkSameLength("permutationTest", { yTrue, predA, predB });
  const truth = [...yTrue];
  const a = metric(truth, [...predA]);
  const b = metric(truth, [...predB]);
  const observed = Math.abs(a - b);
  const rng = createRng(options.seed);
  const shuffledA = new Array<P>(n);
  const shuffledB = new Array<P>(n);
  let atLeast = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const swap = rng.next() < 0.5;
      shuffledA[i] = (swap ? predB[i] : predA[i]) as P;
      shuffledB[i] = (swap ? predA[i] : predB[i]) as P;
    }
    const delta = Math.abs(metric(truth, shuffledA) - metric(truth, shuffledB));
    if (delta >= observed - tieTolerance) atLeast++;
  }
  return { a, b, difference: a - b, pValue: (atLeast + 1) / (resamples + 1), resamples };
}
