import { SplitError } from "../util/errors.js";
import type { Rng } from "../util/random.js";
import { allocateToTargets, largestRemainder } from "./allocate.js";
import type { SplitUnit } from "./split-units.js";
import type { MetaValue } from "./types.js";

interface Period {
  value: MetaValue;
  units: SplitUnit[];
  size: number;
}

function compareValues(a: MetaValue, b: MetaValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The earliest value of `by` among a unit's rows: a text belongs to the period it first appeared in,
 * so the test period holds only texts that are new then (a later copy of an older text trains with it).
 */
function unitTime(unit: SplitUnit, by: string): MetaValue {
  return unit.rows.map((row) => row.meta[by] ?? null).reduce((a, b) => (compareValues(a, b) <= 0 ? a : b));
}

function periods(units: readonly SplitUnit[], by: string): Period[] {
  const map = new Map<string, Period>();
  for (const unit of units) {
    const value = unitTime(unit, by);
    const key = `${typeof value}:${String(value)}`;
    const period = map.get(key) ?? { value, units: [], size: 0 };
    period.units.push(unit);
    period.size += unit.rows.length;
    map.set(key, period);
  }
  return [...map.values()].sort((a, b) => compareValues(a.value, b.value));
}

/**
 * Temporal split: the newest periods (values of `by`) go to test until it holds its share, the next
 * newest to validation, the oldest to train, so every test value is newer than every train value.
 * When only one period is left for train and validation, validation is a seeded random part of it.
 * `update` moves that fraction of the test period's units (seeded) into a pool of newer documents.
 */
export function temporalBins(
  units: SplitUnit[],
  by: string,
  fractions: { train: number; val: number; test: number },
  update: number,
  rng: Rng,
): { bins: Map<SplitUnit, number>; update: Set<SplitUnit> } {
  const ordered = periods(units, by);
  if (ordered.length < 2)
    throw new SplitError(`column "${by}" has a single value; a temporal split needs at least two`);
  const total = ordered.reduce((sum, period) => sum + period.size, 0);
  const bins = new Map<SplitUnit, number>();
  let index = ordered.length - 1;
  let testSize = 0;
  while (index > 0 && (testSize === 0 || testSize < fractions.test * total)) {
    const period = ordered[index--] as Period;
    testSize += period.size;
    for (const unit of period.units) bins.set(unit, 2);
  }
  let valSize = 0;
  while (fractions.val > 0 && index > 0 && valSize < fractions.val * total) {
    const period = ordered[index--] as Period;
    valSize += period.size;
    for (const unit of period.units) bins.set(unit, 1);
  }
  const early = ordered.slice(0, index + 1).flatMap((period) => period.units);
  if (fractions.val > 0 && valSize === 0) {
    const order = rng.fork("val").shuffle([...early]);
    const size = order.reduce((sum, unit) => sum + unit.rows.length, 0);
    const share = fractions.val / (fractions.train + fractions.val);
    const assigned = allocateToTargets(
      order.map((unit) => unit.rows.length),
      largestRemainder(size, [1 - share, share]),
    );
    order.forEach((unit, i) => {
      bins.set(unit, assigned[i] as number);
    });
  } else {
    for (const unit of early) bins.set(unit, 0);
  }
  const updateUnits = new Set<SplitUnit>();
  if (update > 0) {
    const testUnits = units.filter((unit) => bins.get(unit) === 2);
    const order = rng.fork("update").shuffle([...testUnits]);
    const size = order.reduce((sum, unit) => sum + unit.rows.length, 0);
    const assigned = allocateToTargets(
      order.map((unit) => unit.rows.length),
      largestRemainder(size, [1 - update, update]),
    );
    order.forEach((unit, i) => {
      if (assigned[i] === 1) updateUnits.add(unit);
    });
  }
  return { bins, update: updateUnits };
}
