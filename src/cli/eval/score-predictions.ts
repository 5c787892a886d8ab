import {
  type Average,
  accuracyScore,
  medianAbsoluteError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  precisionRecallFscoreSupport,
  r2Score,
  rootMeanSquaredError,
  scoreClassification,
} from "../../metrics/index.js";
import { bootstrapCI, sliceMetrics } from "../../stats/index.js";
import { InputError } from "../../util/errors.js";
import type { EvalReport, EvalRow } from "./eval-report.js";

type Metric<T> = (yTrue: T[], yPred: T[]) => number;

/** A scored predictions file: the report and the typed rows it was computed from. */
export interface ScoredPredictions<T> {
  report: EvalReport;
  rows: EvalRow<T>[];
}

function toRows<T>(
  records: Record<string, string>[],
  convert: (value: string, column: string, row: number) => T,
): EvalRow<T>[] {
  return records.map((record, i) => {
    const slice = record.slice?.trim();
    return {
      id: record.id?.trim() || String(i + 1),
      yTrue: convert(record.y_true ?? "", "y_true", i + 1),
      yPred: convert(record.y_pred ?? "", "y_pred", i + 1),
      slice: slice === undefined || slice === "" ? null : slice,
    };
  });
}

function label(path: string) {
  return (value: string, column: string, row: number): string => {
    const text = value.trim();
    if (text === "")
      throw new InputError(
        `predictions file ${path}, row ${row}: ${column} is empty; give every row a label`,
      );
    return text;
  };
}

function number(path: string) {
  return (value: string, column: string, row: number): number => {
    const text = value.trim();
    const parsed = text === "" ? Number.NaN : Number(text);
    if (!Number.isFinite(parsed)) {
      throw new InputError(
        `predictions file ${path}, row ${row}: ${column} "${value}" is not a number; regression needs numeric y_true,y_pred`,
      );
    }
    return parsed;
  };
}

function intervals<T>(
  rows: EvalRow<T>[],
  metrics: Record<string, Metric<T>>,
  seed: number,
  resamples: number,
): EvalReport["ci"] {
  const data = { yTrue: rows.map((r) => r.yTrue), yPred: rows.map((r) => r.yPred) };
  return Object.fromEntries(
    Object.entries(metrics).map(([name, metric]) => {
      const ci = bootstrapCI(data, metric, { seed, resamples });
      return [name, { low: ci.low, high: ci.high, confidence: ci.confidence, resamples, seed }];
    }),
  );
}

function slicesOf<T>(rows: EvalRow<T>[], metrics: Record<string, Metric<T>>): EvalReport["slices"] {
  if (!rows.some((row) => row.slice !== null)) return undefined;
  return Object.entries(metrics).flatMap(([name, metric]) =>
    sliceMetrics(
      rows,
      (row) => row.slice,
      (members) =>
        metric(
          members.map((r) => r.yTrue),
          members.map((r) => r.yPred),
        ),
    ).map((slice) => ({ metric: name, ...slice })),
  );
}

/**
 * Scores classification predictions: F1 (binary with a positive class of two, else `average`),
 * accuracy, precision and recall, with bootstrap CIs, per-class scores and per-slice scores.
 */
export function evaluateClassification(
  path: string,
  records: Record<string, string>[],
  options: { positive?: string; average?: string },
  seed: number,
  resamples: number,
): ScoredPredictions<string> {
  const rows = toRows(records, label(path));
  const yTrue = rows.map((r) => r.yTrue);
  const yPred = rows.map((r) => r.yPred);
  const labels = [...new Set([...yTrue, ...yPred])].sort();
  const positive = options.positive;
  if (positive !== undefined && !labels.includes(positive)) {
    throw new InputError(
      `--positive "${positive}" is not a class in ${path} (classes: ${labels.join(", ")})`,
    );
  }
  const average = chooseAverage(options.average, positive, labels);
  const scoring = average === "binary" ? { average, posLabel: positive } : { average, labels };
  const summary = scoreClassification(yTrue, yPred, {
    labels,
    ...(positive ? { positiveLabel: positive } : {}),
  });
  const scores = precisionRecallFscoreSupport(yTrue, yPred, scoring);
  // Binary F1 on a slice or resample that lacks a class: score the positive class alone, never an error.
  const f1: Metric<string> =
    average === "binary"
      ? (t, p) =>
          precisionRecallFscoreSupport(t, p, { average: "macro", labels: [positive as string] }).fscore
      : (t, p) => precisionRecallFscoreSupport(t, p, { average, labels }).fscore;
  const main: Record<string, Metric<string>> = { f1, accuracy: accuracyScore };
  const perClass = precisionRecallFscoreSupport(yTrue, yPred, { labels });
  const report: EvalReport = {
    file: path,
    task: "classification",
    n: rows.length,
    average,
    ...(positive !== undefined ? { positiveLabel: positive } : {}),
    labels,
    metrics: {
      f1: scores.fscore,
      f1_macro: summary.f1_macro,
      accuracy: summary.accuracy,
      precision: scores.precision,
      recall: scores.recall,
    },
    ci: intervals(rows, main, seed, resamples),
    perClass: perClass.labels.map((name, i) => ({
      label: name,
      precision: perClass.precision[i] as number,
      recall: perClass.recall[i] as number,
      f1: perClass.fscore[i] as number,
      support: perClass.support[i] as number,
    })),
  };
  const slices = slicesOf(rows, main);
  return { report: slices ? { ...report, slices } : report, rows };
}

function chooseAverage(flag: string | undefined, positive: string | undefined, labels: string[]): Average {
  if (flag === undefined) return positive !== undefined && labels.length === 2 ? "binary" : "macro";
  if (!["binary", "macro", "micro", "weighted"].includes(flag)) {
    throw new InputError(`--average must be binary, macro, micro or weighted, not "${flag}"`);
  }
  if (flag === "binary" && positive === undefined)
    throw new InputError("--average binary needs --positive LABEL");
  if (flag === "binary" && labels.length > 2) {
    throw new InputError(`--average binary needs two classes but the file has ${labels.length}; use macro`);
  }
  return flag as Average;
}

/** Scores regression predictions: MAE, RMSE, R², median absolute error and MAPE, with CIs and slices. */
export function evaluateRegression(
  path: string,
  records: Record<string, string>[],
  seed: number,
  resamples: number,
): ScoredPredictions<number> {
  const rows = toRows(records, number(path));
  const yTrue = rows.map((r) => r.yTrue);
  const yPred = rows.map((r) => r.yPred);
  const main: Record<string, Metric<number>> = {
    mae: meanAbsoluteError,
    rmse: rootMeanSquaredError,
    r2: r2Score,
  };
  const report: EvalReport = {
    file: path,
    task: "regression",
    n: rows.length,
    metrics: {
      mae: meanAbsoluteError(yTrue, yPred),
      rmse: rootMeanSquaredError(yTrue, yPred),
      r2: r2Score(yTrue, yPred),
      medae: medianAbsoluteError(yTrue, yPred),
      mape: meanAbsolutePercentageError(yTrue, yPred),
    },
    ci: intervals(rows, main, seed, resamples),
  };
  const slices = slicesOf(rows, { mae: meanAbsoluteError, rmse: rootMeanSquaredError });
  return { report: slices ? { ...report, slices } : report, rows };
}
