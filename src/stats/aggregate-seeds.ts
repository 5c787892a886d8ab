import { InputError } from "../util/errors.js";
import { studentTQuantile } from "./distributions.js";

/** A metric summarised over runs with different seeds. */
export interface SeedAggregate {
  mean: number;
  /** Sample standard deviation (ddof = 1); NaN for a single run. */
  std: number;
  n: number;
  /** Student-t confidence interval of the mean; NaN bounds for a single run. */
  ciLow: number;
  ciHigh: number;
}

/** Mean, sample std and the t-distribution CI (default 95%) of one metric over seeds. */
export function aggregateSeeds(values: readonly number[], confidence = 0.95): SeedAggregate {
  if (values.length === 0)
    throw new InputError("aggregateSeeds: no values given; pass one metric value per seed");
  if (!(confidence > 0 && confidence < 1)) {
    throw new InputError(`aggregateSeeds: confidence must be between 0 and 1, not ${confidence}`);
  }
  for (const value of values) {
    if (!Number.isFinite(value))
      throw new InputError(`aggregateSeeds: value ${value} is not a finite number`);
  }
  const n = values.length;
  let total = 0;
  for (const value of values) total += value;
  const mean = total / n;
  if (n === 1) return { mean, std: Number.NaN, n, ciLow: Number.NaN, ciHigh: Number.NaN };
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * (std / Math.sqrt(n));
  return { mean, std, n, ciLow: mean - half, ciHigh: mean + half };
}
