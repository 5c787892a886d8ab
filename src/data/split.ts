import { SplitError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { createRng, type Rng } from "../util/random.js";
import { allocateToTargets, largestRemainder } from "./allocate.js";
import { fingerprintIds } from "./fingerprint.js";
import { buildSplitUnits, type SplitUnit } from "./split-units.js";
import { temporalBins } from "./temporal.js";
import type { Dataset, Example, Split, SplitInfo, SplitStrategy } from "./types.js";

/** Fractions of rows in train, validation and test. */
export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

/** How to split a dataset. */
export interface SplitOptions {
  strategy: SplitStrategy;
  seed: number;
  /** Metadata column: the time column of a temporal split, the group column of a group split. */
  by?: string;
  /** Defaults to 0.7 / 0.15 / 0.15. */
  fractions?: SplitFractions;
  /**
   * Temporal splits only: the fraction of test-period rows moved out of the test set into
   * `split.update` (newer documents a knowledge base can add later without retraining).
   */
  update?: number;
}

/** The default train/validation/test fractions. */
export const defaultFractions: SplitFractions = { train: 0.7, val: 0.15, test: 0.15 };

const splitNames = ["train", "val", "test"] as const;

/** Seeds are 32-bit unsigned integers. */
const MAX_SEED = 2 ** 32 - 1;

function validate(dataset: Dataset, options: SplitOptions): SplitFractions {
  const fractions = options.fractions ?? defaultFractions;
  for (const name of splitNames) {
    const value = fractions[name];
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      throw new SplitError(`--${name} ${value} is not a fraction between 0 and 1`);
    }
  }
  if (fractions.train === 0 || fractions.test === 0)
    throw new SplitError("train and test fractions must be above 0");
  const sum = fractions.train + fractions.val + fractions.test;
  if (Math.abs(sum - 1) > 1e-6) {
    throw new SplitError(
      `split fractions sum to ${Number(sum.toFixed(6))}, not 1 (train ${fractions.train} + val ${fractions.val} + test ${fractions.test}); adjust --train/--val/--test`,
    );
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > MAX_SEED) {
    // Never reduced modulo 2³²: 0 and 4294967296 would give one split under two fingerprints.
    throw new SplitError(`seed ${options.seed} must be a whole number from 0 to ${MAX_SEED} (2³²−1)`);
  }
  if ((options.strategy === "temporal" || options.strategy === "group") && !options.by) {
    throw new SplitError(
      `the ${options.strategy} strategy needs --by COLUMN (one of: ${dataset.metaColumns.join(", ") || "no metadata columns"})`,
    );
  }
  if (
    options.by !== undefined &&
    !dataset.rows.every((row) => options.by !== undefined && options.by in row.meta)
  ) {
    throw new SplitError(
      `dataset ${dataset.name} has no column "${options.by}" to split by; columns: ${dataset.metaColumns.join(", ") || "none"}`,
    );
  }
  if (options.strategy === "stratified" && dataset.task !== "classification") {
    throw new SplitError(
      `stratified splits need a classification dataset; ${dataset.name} is ${dataset.task} (use random, group or temporal)`,
    );
  }
  if (
    options.update !== undefined &&
    (options.strategy !== "temporal" || !(options.update >= 0 && options.update < 1))
  ) {
    throw new SplitError("--update takes a fraction in [0, 1) and works with the temporal strategy only");
  }
  if (dataset.rows.length < 3)
    throw new SplitError(`dataset ${dataset.name} has ${dataset.rows.length} rows; a split needs at least 3`);
  return fractions;
}

function fractionList(fractions: SplitFractions): number[] {
  return [fractions.train, fractions.val, fractions.test];
}

function unitSizes(units: readonly SplitUnit[]): number[] {
  return units.map((unit) => unit.rows.length);
}

function randomBins(units: SplitUnit[], fractions: SplitFractions, rng: Rng): Map<SplitUnit, number> {
  const order = rng.shuffle([...units]);
  const total = order.reduce((sum, unit) => sum + unit.rows.length, 0);
  const bins = allocateToTargets(unitSizes(order), largestRemainder(total, fractionList(fractions)));
  return new Map(order.map((unit, index) => [unit, bins[index] as number]));
}

function stratifiedBins(units: SplitUnit[], fractions: SplitFractions, rng: Rng): Map<SplitUnit, number> {
  const byLabel = new Map<string, SplitUnit[]>();
  for (const unit of units) {
    const label = unit.label ?? "";
    const members = byLabel.get(label);
    if (members === undefined) byLabel.set(label, [unit]);
    else members.push(unit);
  }
  const needed = fractionList(fractions).filter((f) => f > 0).length;
  const result = new Map<SplitUnit, number>();
  for (const label of [...byLabel.keys()].sort()) {
    const classUnits = byLabel.get(label) ?? [];
    const count = classUnits.reduce((sum, unit) => sum + unit.rows.length, 0);
    if (count < needed) {
      throw new SplitError(
        `class "${label}" has ${count} row(s), fewer than the ${needed} splits it must appear in; merge rare classes or use --strategy random`,
      );
    }
    const order = rng.fork(label).shuffle([...classUnits]);
    const bins = allocateToTargets(unitSizes(order), largestRemainder(count, fractionList(fractions)));
    order.forEach((unit, index) => {
      result.set(unit, bins[index] as number);
    });
  }
  return result;
}

function groupBins(units: SplitUnit[], fractions: SplitFractions, rng: Rng): Map<SplitUnit, number> {
  if (units.length < 2) throw new SplitError("a group split needs at least two groups");
  // Larger groups first, so the small ones can even out the fractions; ties in seeded random order.
  const order = rng.shuffle([...units]).sort((a, b) => b.rows.length - a.rows.length);
  const total = order.reduce((sum, unit) => sum + unit.rows.length, 0);
  const bins = allocateToTargets(unitSizes(order), largestRemainder(total, fractionList(fractions)));
  return new Map(order.map((unit, index) => [unit, bins[index] as number]));
}

/** Rows per label, sorted by label; any label (`__proto__`, `constructor`) is plain data. */
function classCounts(rows: readonly Example[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows)
    if (row.label !== undefined) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  // fromEntries defines own data properties: a "__proto__" label never becomes a prototype.
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Splits a dataset into train, validation and test sets, reproducibly: the same dataset, options and
 * seed give the same split on every machine. Rows with identical text always share a split.
 *
 * @example
 * const split = makeSplit(await loadDataset("spam-assassin"), { strategy: "stratified", seed: 7 });
 * const byPresident = makeSplit(await loadDataset("sotu"), { strategy: "group", by: "president", seed: 1 });
 */
export function makeSplit(dataset: Dataset, options: SplitOptions): Split {
  const fractions = validate(dataset, options);
  const rng = createRng(options.seed);
  const groupBy = options.strategy === "group" ? options.by : undefined;
  const { units, unitOfRow, duplicateTextGroups } = buildSplitUnits(dataset.rows, groupBy);
  let bins: Map<SplitUnit, number>;
  let updateUnits = new Set<SplitUnit>();
  if (options.strategy === "random") bins = randomBins(units, fractions, rng);
  else if (options.strategy === "stratified") bins = stratifiedBins(units, fractions, rng);
  else if (options.strategy === "group") bins = groupBins(units, fractions, rng);
  else {
    const temporal = temporalBins(units, options.by as string, fractions, options.update ?? 0, rng);
    bins = temporal.bins;
    updateUnits = temporal.update;
  }
  const parts: Example[][] = [[], [], []];
  const update: Example[] = [];
  const binOfUnit = Int8Array.from(units, (unit) =>
    updateUnits.has(unit) ? -1 : (bins.get(unit) as number),
  );
  // Keep dataset order inside every split so outputs do not depend on unit bookkeeping.
  dataset.rows.forEach((row, index) => {
    const bin = binOfUnit[unitOfRow[index] as number] as number;
    if (bin < 0) update.push(row);
    else parts[bin]?.push(row);
  });
  const [train, val, test] = parts as [Example[], Example[], Example[]];
  for (const [name, rows] of [
    ["train", train],
    ["test", test],
  ] as const) {
    if (rows.length === 0) {
      throw new SplitError(
        `the ${name} split of ${dataset.name} came out empty; use more data or larger --${name}`,
      );
    }
  }
  if (fractions.val > 0 && val.length === 0) {
    throw new SplitError(
      `the val split of ${dataset.name} came out empty; use more data, a larger --val, or --val 0`,
    );
  }
  const base = [dataset.fingerprint, options.strategy, String(options.seed), options.by ?? ""];
  const fingerprintOf = (name: string, rows: readonly Example[]) =>
    fingerprintIds(
      [...base, name],
      rows.map((row) => row.id),
    );
  const fingerprints = {
    train: fingerprintOf("train", train),
    val: fingerprintOf("val", val),
    test: fingerprintOf("test", test),
  };
  const updateFingerprint = update.length > 0 ? fingerprintOf("update", update) : "";
  const info: SplitInfo = {
    dataset: dataset.name,
    datasetFingerprint: dataset.fingerprint,
    strategy: options.strategy,
    ...(options.by ? { by: options.by } : {}),
    seed: options.seed,
    fractions,
    sizes: {
      train: train.length,
      val: val.length,
      test: test.length,
      ...(update.length ? { update: update.length } : {}),
    },
    ...(dataset.task === "classification"
      ? { classCounts: { train: classCounts(train), val: classCounts(val), test: classCounts(test) } }
      : {}),
    duplicateTextGroups,
    fingerprints: {
      ...fingerprints,
      split: sha256([fingerprints.train, fingerprints.val, fingerprints.test, updateFingerprint].join("\n")),
    },
  };
  return { train, val, test, update, info };
}
