import { uniqueLabels } from "../metrics/validate.js";
import { type ComparedMetric, type ComparePairedResult, comparePaired } from "../stats/compare-paired.js";
import { InputError } from "../util/errors.js";
import type { PredictionRow } from "./records/prediction-row.js";

/** The fields of a prediction row that a paired comparison needs (a row without `split` counts as test). */
export type PairedRow = Pick<PredictionRow, "id" | "y_true" | "y_pred"> & { split?: string };

/** A paired comparison of two runs' prediction files, with how many rows could be paired. */
export interface RunPairComparison extends ComparePairedResult {
  task: "classification" | "regression";
  /** Rows of A's (B's) split without a partner in the other run, left out. */
  unpairedA: number;
  unpairedB: number;
}

/**
 * Pairs two runs' per-example predictions by example id (default: the test split) and compares them with
 * `comparePaired`. The task is regression when every y_true is a number. Rows whose truth differs between
 * the runs mean they were scored on different data: that is an InputError, not a comparison.
 * @example comparePredictionRows(parse(a), parse(b), { seed: 1, positiveLabel: "spam" })
 */
export function comparePredictionRows(
  rowsA: readonly PairedRow[],
  rowsB: readonly PairedRow[],
  options: {
    seed: number;
    split?: string;
    positiveLabel?: string;
    labels?: readonly string[];
    metric?: ComparedMetric;
    resamples?: number;
  },
): RunPairComparison {
  const split = options.split ?? "test";
  const inSplit = (row: PairedRow) => (row.split ?? "test") === split;
  const byIdB = new Map(rowsB.filter(inSplit).map((row) => [row.id, row]));
  const pairedIds = new Set<string>();
  const yTrue: (string | number)[] = [];
  const predA: (string | number)[] = [];
  const predB: (string | number)[] = [];
  let countA = 0;
  for (const row of rowsA) {
    if (!inSplit(row)) continue;
    countA++;
    const partner = byIdB.get(row.id);
    if (partner === undefined || pairedIds.has(row.id)) continue;
    if (partner.y_true !== row.y_true) {
      throw new InputError(
        `example ${row.id} has y_true ${JSON.stringify(row.y_true)} in one run and ${JSON.stringify(partner.y_true)} in the other; compare runs scored on the same data`,
      );
    }
    pairedIds.add(row.id);
    yTrue.push(row.y_true);
    predA.push(row.y_pred);
    predB.push(partner.y_pred);
  }
  if (yTrue.length === 0) {
    throw new InputError(
      `the two runs share no ${split} examples (by id); compare runs made on the same split`,
    );
  }
  const task = yTrue.every((value) => typeof value === "number") ? "regression" : "classification";
  const labels =
    task === "classification"
      ? (options.labels ?? uniqueLabels(yTrue.map(String), predA.map(String), predB.map(String)))
      : undefined;
  const result = comparePaired({
    yTrue,
    predA,
    predB,
    task,
    seed: options.seed,
    ...(labels ? { labels } : {}),
    ...(options.positiveLabel !== undefined ? { positiveLabel: options.positiveLabel } : {}),
    ...(options.metric ? { metric: options.metric } : {}),
    ...(options.resamples ? { resamples: options.resamples } : {}),
  });
  return { ...result, task, unpairedA: countA - pairedIds.size, unpairedB: byIdB.size - pairedIds.size };
}
