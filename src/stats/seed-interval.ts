import { InputError } from "../util/errors.js";
import { aggregateSeeds, type SeedAggregate } from "./aggregate-seeds.js";
import { studentTQuantile } from "./distributions.js";
import type { MetricRange } from "./metric-range.js";

/** How `seedInterval` builds its interval, in words a report can print. */
export const seedIntervalMethod =
  "Student-t 95% interval over seeds on a scale that respects the metric's range, mapped back: logit for metrics in [0, 1] (F1, accuracy), log for errors ≥ 0 (MAE, RMSE), log(1 − x) for R² ≤ 1; values at a bound are moved 1e-6 inside it, and the interval is widened to hold the mean when the mapping would leave it out";

// Values exactly at a bound (F1 = 0 of a majority baseline, accuracy = 1) have no logit; they are moved
// this far (relative to the range) inside it. With equal values the interval is the point itself.
const inset = 1e-6;

interface Scale {
  to: (x: number) => number;
  from: (y: number) => number;
}

function scaleFor(range: MetricRange): Scale | undefined {
  const { low, high } = range;
  const lowFinite = Number.isFinite(low);
  const highFinite = Number.isFinite(high);
  if (lowFinite && highFinite) {
    const width = high - low;
    return {
      to: (x) => {
        const p = Math.min(1 - inset, Math.max(inset, (x - low) / width));
        return Math.log(p / (1 - p));
      },
      from: (y) => low + width / (1 + Math.exp(-y)),
    };
  }
  if (lowFinite) {
    return {
      to: (x) => Math.log(Math.max(x - low, inset)),
      from: (y) => low + Math.exp(y),
    };
  }
  if (highFinite) {
    return {
      to: (x) => Math.log(Math.max(high - x, inset)),
      from: (y) => high - Math.exp(y),
    };
  }
  return undefined;
}

/**
 * Mean, sample std and a 95% interval over seeds that stays inside the metric's range. Why a
 * t-interval on a transformed scale rather than a bootstrap: with the 2–5 seeds a study has, a bootstrap
 * over seeds has a handful of distinct resamples and is too narrow, while the t quantile keeps the
 * small-sample width; the transform (logit, log) keeps it inside [0, 1] or above 0, and it needs only the
 * per-seed summary values, so it works for every summary metric with or without stored predictions.
 * An unbounded range gives the plain t-interval (`aggregateSeeds`).
 * @example seedInterval([0.95, 0.99, 0.999], metricRange("test_f1")) // high < 1
 */
export function seedInterval(
  values: readonly number[],
  range: MetricRange,
  confidence = 0.95,
): SeedAggregate {
  const plain = aggregateSeeds(values, confidence);
  for (const value of values) {
    if (value < range.low || value > range.high) {
      throw new InputError(
        `seedInterval: value ${value} lies outside the metric's range [${range.low}, ${range.high}]; pass the metric's own range`,
      );
    }
  }
  const scale = scaleFor(range);
  if (!scale || plain.n < 2) return plain;
  if (plain.std === 0) return { ...plain, ciLow: plain.mean, ciHigh: plain.mean };
  const transformed = aggregateSeeds(values.map(scale.to), confidence);
  const half =
    studentTQuantile(1 - (1 - confidence) / 2, plain.n - 1) * (transformed.std / Math.sqrt(plain.n));
  const a = scale.from(transformed.mean - half);
  const b = scale.from(transformed.mean + half);
  const low = Math.max(range.low, Math.min(a, b, plain.mean));
  const high = Math.min(range.high, Math.max(a, b, plain.mean));
  return { ...plain, ciLow: low, ciHigh: high };
}
