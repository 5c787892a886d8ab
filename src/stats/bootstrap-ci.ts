import { createRng } from "../util/random.js";
import { resamplingOptions, checkSameLength, quantileSorted } from "./validate.js";

/** Resampling options: a seed is required so every interval can be reproduced. */
export interface BootstrapOptions {
  seed: number;
  /** Number of bootstrap resamples (default 1000). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  confidence?: number;
}

/** A percentile bootstrap confidence interval around a metric's point estimate. */
export interface BootstrapInterval {
  /** The metric on the full sample. */
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
  /** Resamples on which the metric was undefined (NaN) and that were left out. */
  dropped: number;
}

/** Truth and predictions for the same examples, resampled together. */
export interface PairedSample<A, B> {
  yTrue: readonly A[];
  yPred: readonly B[];
}

/**
 * Percentile bootstrap CI of any metric over examples: resamples examples with replacement.
 * @example bootstrapCI({ yTrue, yPred }, (t, p) => f1Score(t, p, { posLabel: "spam" }), { seed: 1 })
 * @example bootstrapCI(losses, (xs) => xs.reduce((a, b) => a + b, 0) / xs.length, { seed: 1 })
 */
export function bootstrapCI<T>(
  values: readonly T[],
  metric: (sample: T[]) => number,
  options: BootstrapOptions,
): BootstrapInterval;
export function bootstrapCI<A, B>(
  paired: PairedSample<A, B>,
  metric: (yTrue: A[], yPred: B[]) => number,
  options: BootstrapOptions,
): BootstrapInterval;
export function bootstrapCI(
  data: readonly unknown[] | PairedSample<unknown, unknown>,
  metric: ((sample: unknown[]) => number) | ((yTrue: unknown[], yPred: unknown[]) => number),
  options: BootstrapOptions,
): BootstrapInterval {
  const { resamples, confidence } = resamplingOptions("bootstrapCI", options);
  const columns: readonly (readonly unknown[])[] = Array.isArray(data)
    ? [data]
    : [(data as PairedSample<unknown, unknown>).yTrue, (data as PairedSample<unknown, unknown>).yPred];
  const n = Array.isArray(data)
    ? checkSameLength("bootstrapCI", { values: data })
    : checkSameLength("bootstrapCI", { yTrue: columns[0] as unknown[], yPred: columns[1] as unknown[] });
  const apply = metric as (...samples: unknown[][]) => number;
  const estimate = apply(...columns.map((column) => [...column]));
  const rng = createRng(options.seed);
  const stats: number[] = [];
  const first = columns[0] as readonly unknown[];
  const second = columns[1];
  for (let r = 0; r < resamples; r++) {
    // Fresh arrays per resample: a metric may keep or reorder what it is given.
    const a = new Array<unknown>(n);
    const b = second ? new Array<unknown>(n) : undefined;
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      a[i] = first[j];
      if (b) b[i] = (second as readonly unknown[])[j];
    }
    const value = b ? apply(a, b) : apply(a);
    if (!Number.isNaN(value)) stats.push(value);
  }
  stats.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  return {
    estimate,
    low: quantileSorted(stats, alpha / 2),
    high: quantileSorted(stats, 1 - alpha / 2),
    confidence,
    resamples,
    dropped: resamples - stats.length,
  };
}
