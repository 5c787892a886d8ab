import { SplitError } from "../util/errors.js";
import { createRng } from "../util/random.js";
import { allocateToTargets, largestRemainder } from "./allocate.js";
import { buildSplitUnits, type SplitUnit } from "./split-units.js";
import type { Dataset, Example } from "./types.js";

/** One fold of k-fold cross-validation. */
export interface Fold {
  fold: number;
  train: Example[];
  test: Example[];
}

/** Options for k-fold cross-validation. */
export interface KFoldOptions {
  k: number;
  seed: number;
  /** Keep each class's share equal across folds (classification only). */
  stratified?: boolean;
  /** Keep every row of one value of this column in one fold. */
  groupBy?: string;
}

/**
 * Seeded k-fold cross-validation over the same units as `makeSplit` (identical texts, and groups
 * when `groupBy` is set, never straddle folds).
 */
export function kFold(dataset: Dataset, options: KFoldOptions): Fold[] {
  const { k, seed } = options;
  if (!Number.isInteger(k) || k < 2) throw new SplitError(`k-fold needs an integer k >= 2, not ${k}`);
  const { units } = buildSplitUnits(dataset.rows, options.groupBy);
  if (units.length < k)
    throw new SplitError(`dataset ${dataset.name} has ${units.length} units, fewer than k = ${k} folds`);
  const rng = createRng(seed);
  const fractions = Array.from({ length: k }, () => 1 / k);
  const foldOf = new Map<SplitUnit, number>();
  const strata = new Map<string, SplitUnit[]>();
  for (const unit of units) {
    const key = options.stratified ? (unit.label ?? "") : "";
    strata.set(key, [...(strata.get(key) ?? []), unit]);
  }
  for (const key of [...strata.keys()].sort()) {
    const order = rng.fork(key).shuffle([...(strata.get(key) ?? [])]);
    if (options.groupBy) order.sort((a, b) => b.rows.length - a.rows.length);
    const size = order.reduce((sum, unit) => sum + unit.rows.length, 0);
    const bins = allocateToTargets(
      order.map((unit) => unit.rows.length),
      largestRemainder(size, fractions),
    );
    order.forEach((unit, index) => {
      foldOf.set(unit, bins[index] as number);
    });
  }
  const unitOf = new Map<Example, SplitUnit>();
  for (const unit of units) for (const row of unit.rows) unitOf.set(row, unit);
  return Array.from({ length: k }, (_, fold) => ({
    fold,
    train: dataset.rows.filter((row) => foldOf.get(unitOf.get(row) as SplitUnit) !== fold),
    test: dataset.rows.filter((row) => foldOf.get(unitOf.get(row) as SplitUnit) === fold),
  }));
}
