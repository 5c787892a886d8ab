import { InputError } from "../util/errors.js";

/** Throws InputError unless all arrays have the same, non-zero length. */
export function checkSameLength(what: string, arrays: Record<string, readonly unknown[]>): number {
  const entries = Object.entries(arrays);
  const [firstName, first] = entries[0] as [string, readonly unknown[]];
  for (const [name, array] of entries) {
    if (array.length !== first.length) {
      throw new InputError(
        `${what}: ${name} has ${array.length} values but ${firstName} has ${first.length}; pair them per example`,
      );
    }
  }
  if (first.length === 0) throw new InputError(`${what}: no examples given; pass at least one`);
  return first.length;
}

/**
 * Fills the defaults of a resampling method's options (1,000 resamples, 95% confidence) and checks
 * them, with the seed every resampling needs; errors name the method.
 */
export function resamplingOptions(
  what: string,
  options: { seed: number; resamples?: number; confidence?: number },
): { seed: number; resamples: number; confidence: number } {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new InputError(`${what}: resamples must be a positive integer, not ${resamples}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new InputError(`${what}: confidence must be between 0 and 1 (e.g. 0.95), not ${confidence}`);
  }
  if (!Number.isFinite(options?.seed)) throw new InputError(`${what}: pass a numeric seed`);
  return { seed: options.seed, resamples, confidence };
}

/** Linear-interpolation percentile of sorted values (numpy's default `percentile` method), q in [0, 1]. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = position - lo;
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  if (frac === 0 || a === b) return a;
  return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
}
