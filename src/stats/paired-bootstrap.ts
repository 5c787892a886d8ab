import { createRng } from "../util/random.js";
import type { BootstrapOptions } from "./bootstrap-ci.js";
import { resamplingOptions, checkSameLength, quantileSorted } from "./validate.js";

/** The difference in a metric between two systems on the same examples, with its bootstrap CI. */
export interface PairedBootstrapResult {
  a: number;
  b: number;
  /** a − b on the full sample. */
  difference: number;
  low: number;
  high: number;
  /** Two-sided p-value of "no difference" from the bootstrap distribution shifted to the null. */
  pValue: number;
  confidence: number;
  resamples: number;
  /** Resamples on which the difference was undefined (NaN) and that were left out. */
  dropped: number;
}

/** Equality tolerance for resampled differences, so ties caused by rounding count as ties. */
export const tieTolerance = 1e-12;

/**
 * Paired bootstrap: resamples examples (the same indices for both systems), recomputes metric(A) − metric(B),
 * and reports its percentile CI and p = (1 + #{|δ* − δ| ≥ |δ|}) / (R + 1).
 * @example pairedBootstrap(yTrue, predA, predB, (t, p) => accuracyScore(t, p), { seed: 7 })
 */
export function pairedBootstrap<T, P>(
  yTrue: readonly T[],
  predA: readonly P[],
  predB: readonly P[],
  metric: (yTrue: T[], yPred: P[]) => number,
  options: BootstrapOptions,
): PairedBootstrapResult {
  const { resamples, confidence } = resamplingOptions("pairedBootstrap", options);
  const n = checkSameLength("pairedBootstrap", { yTrue, predA, predB });
  const a = metric([...yTrue], [...predA]);
  const b = metric([...yTrue], [...predB]);
  const difference = a - b;
  const rng = createRng(options.seed);
  const deltas: number[] = [];
  const sampleTrue = new Array<T>(n);
  const sampleA = new Array<P>(n);
  const sampleB = new Array<P>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      sampleTrue[i] = yTrue[j] as T;
      sampleA[i] = predA[j] as P;
      sampleB[i] = predB[j] as P;
    }
    const delta = metric(sampleTrue, sampleA) - metric(sampleTrue, sampleB);
    if (!Number.isNaN(delta)) deltas.push(delta);
  }
  let extreme = 0;
  for (const delta of deltas)
    if (Math.abs(delta - difference) >= Math.abs(difference) - tieTolerance) extreme++;
  deltas.sort((x, y) => x - y);
  const alpha = 1 - confidence;
  return {
    a,
    b,
    difference,
    low: quantileSorted(deltas, alpha / 2),
    high: quantileSorted(deltas, 1 - alpha / 2),
    pValue: (extreme + 1) / (deltas.length + 1),
    confidence,
    resamples,
    dropped: resamples - deltas.length,
  };
}
