import { InputError } from "../util/errors.js";
import { checkPaired, uniqueLabels } from "./validate.js";

/** How per-class scores are averaged: sklearn's `average` (null keeps them per class). */
export type Average = "binary" | "macro" | "micro" | "weighted";

/**
 * The value a score takes when its denominator is zero. `"warn"` behaves as 0 (sklearn's default);
 * `"nan"` marks it undefined and averages skip it (sklearn ≥ 1.3's `np.nan`).
 */
export type ZeroDivision = 0 | 1 | "nan" | "warn";

/** Options shared by precision, recall and F-scores. */
export interface PrfOptions {
  /** Averaging; `null` (the default of `precisionRecallFscoreSupport`) returns one score per class. */
  average?: Average | null;
  /** The positive class for `average: "binary"`. */
  posLabel?: string;
  /** Classes to score, in order (default: sorted union of both arrays). Ignored by `binary`. */
  labels?: readonly string[];
  zeroDivision?: ZeroDivision;
  /** Weight of recall against precision in the F-score (default 1: F1). */
  beta?: number;
}

/** Per-class precision, recall, F-score and support, in the order of `labels`. */
export interface PerClassScores {
  labels: string[];
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
}

/** Averaged precision, recall and F-score. */
export interface AveragedScores {
  precision: number;
  recall: number;
  fscore: number;
}

/** Options of the single-score functions: averaging defaults to `binary` when `posLabel` is set, else `macro`. */
export interface ScoreOptions extends Omit<PrfOptions, "average"> {
  average?: Average;
}

/**
 * Precision, recall, F-beta and support exactly as scikit-learn 1.2's `precision_recall_fscore_support`.
 * @example precisionRecallFscoreSupport(["a","b"], ["a","a"], { average: "macro" }) // { precision: 0.25, ... }
 */
export function precisionRecallFscoreSupport(
  yTrue: readonly string[],
  yPred: readonly string[],
  options: PrfOptions & { average: Average },
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: readonly string[],
  yPred: readonly string[],
  options?: PrfOptions & { average?: null },
): PerClassScores;
export function precisionRecallFscoreSupport(
  yTrue: readonly string[],
  yPred: readonly string[],
  options?: PrfOptions,
): AveragedScores | PerClassScores;
export function precisionRecallFscoreSupport(
  yTrue: readonly string[],
  yPred: readonly string[],
  options: PrfOptions = {},
): AveragedScores | PerClassScores {
  checkPaired("precisionRecallFscoreSupport", yTrue, yPred);
  const average = options.average ?? null;
  const zeroDivision = options.zeroDivision ?? "warn";
  if (![0, 1, "nan", "warn"].includes(zeroDivision)) {
    throw new InputError(`zeroDivision must be 0, 1, "nan" or "warn", not ${String(zeroDivision)}`);
  }
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new InputError(`beta must be >= 0 for the F-beta score, not ${beta}`);
  const labels = chooseLabels(yTrue, yPred, average, options);

  const index = new Map(labels.map((label, i) => [label, i]));
  let tp = labels.map(() => 0);
  let predSum = labels.map(() => 0);
  let trueSum = labels.map(() => 0);
  for (let k = 0; k < yTrue.length; k++) {
    const t = index.get(yTrue[k] as string);
    const p = index.get(yPred[k] as string);
    if (t !== undefined) trueSum[t] = (trueSum[t] as number) + 1;
    if (p !== undefined) predSum[p] = (predSum[p] as number) + 1;
    if (t !== undefined && yTrue[k] === yPred[k]) tp[t] = (tp[t] as number) + 1;
  }
  if (average === "micro") {
    tp = [sum(tp)];
    predSum = [sum(predSum)];
    trueSum = [sum(trueSum)];
  }

  const zeroValue = zeroDivision === 1 ? 1 : zeroDivision === "nan" ? Number.NaN : 0;
  const precision = tp.map((value, i) => divide(value, predSum[i] as number, zeroValue));
  const recall = tp.map((value, i) => divide(value, trueSum[i] as number, zeroValue));
  const beta2 = beta * beta;
  const fscore = tp.map((value, i) => {
    const p = precision[i] as number;
    const r = recall[i] as number;
    if (beta === Number.POSITIVE_INFINITY) return r;
    if (zeroDivision === "nan") {
      if (beta === 0) return p;
      // sklearn >= 1.3: F from counts, undefined only when a class is neither true nor predicted.
      return divide((1 + beta2) * value, beta2 * (trueSum[i] as number) + (predSum[i] as number), zeroValue);
    }
    // sklearn 1.2: F from precision and recall, 0 when both are 0.
    let denominator = beta2 * p + r;
    if (denominator === 0) denominator = 1;
    return ((1 + beta2) * p * r) / denominator;
  });

  if (average === null) {
    return { labels, precision, recall, fscore, support: trueSum };
  }
  let weights: number[] | undefined;
  if (average === "weighted") {
    weights = trueSum;
    if (sum(weights) === 0) {
      if (sum(predSum) === 0) return { precision: zeroValue, recall: zeroValue, fscore: zeroValue };
      return { precision: 0, recall: zeroValue, fscore: 0 };
    }
  }
  return {
    precision: weightedMean(precision, weights),
    recall: weightedMean(recall, weights),
    fscore: weightedMean(fscore, weights),
  };
}

/** F1 score (harmonic mean of precision and recall), averaged as `options.average` says. */
export function f1Score(
  yTrue: readonly string[],
  yPred: readonly string[],
  options: ScoreOptions = {},
): number {
  return averaged(yTrue, yPred, { ...options, beta: 1 }).fscore;
}

/** F-beta score: `beta` > 1 favours recall, < 1 favours precision. */
export function fbetaScore(
  yTrue: readonly string[],
  yPred: readonly string[],
  beta: number,
  options: ScoreOptions = {},
): number {
  return averaged(yTrue, yPred, { ...options, beta }).fscore;
}

/** Precision: of the examples predicted as a class, the fraction that truly are. */
export function precisionScore(
  yTrue: readonly string[],
  yPred: readonly string[],
  options: ScoreOptions = {},
): number {
  return averaged(yTrue, yPred, options).precision;
}

/** Recall: of the examples of a class, the fraction predicted as it. */
export function recallScore(
  yTrue: readonly string[],
  yPred: readonly string[],
  options: ScoreOptions = {},
): number {
  return averaged(yTrue, yPred, options).recall;
}

function averaged(yTrue: readonly string[], yPred: readonly string[], options: ScoreOptions): AveragedScores {
  const average: Average = options.average ?? (options.posLabel !== undefined ? "binary" : "macro");
  return precisionRecallFscoreSupport(yTrue, yPred, { ...options, average });
}

function chooseLabels(
  yTrue: readonly string[],
  yPred: readonly string[],
  average: Average | null,
  options: PrfOptions,
): string[] {
  if (average === "binary") {
    const present = uniqueLabels(yTrue, yPred);
    if (present.length > 2) {
      throw new InputError(
        `average "binary" needs at most 2 classes but found ${present.length}; use macro, micro or weighted`,
      );
    }
    const pos = options.posLabel;
    if (pos === undefined) throw new InputError(`average "binary" needs posLabel; name the positive class`);
    if (!present.includes(pos) && present.length >= 2) {
      throw new InputError(`posLabel "${pos}" is not one of the classes ${JSON.stringify(present)}`);
    }
    return [pos];
  }
  if (options.labels) {
    if (options.labels.length === 0)
      throw new InputError("labels is empty; pass at least one class or omit it");
    if (new Set(options.labels).size !== options.labels.length) {
      throw new InputError("labels has duplicates; list each class once");
    }
    return [...options.labels];
  }
  return uniqueLabels(yTrue, yPred);
}

function divide(numerator: number, denominator: number, zeroValue: number): number {
  return denominator === 0 ? zeroValue : numerator / denominator;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** np.average, skipping NaN entries (sklearn's _nanaverage); NaN when nothing is left. */
function weightedMean(values: readonly number[], weights?: readonly number[]): number {
  let total = 0;
  let weightTotal = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value)) continue;
    const weight = weights ? (weights[i] as number) : 1;
    total += value * weight;
    weightTotal += weight;
  }
  return weightTotal === 0 ? Number.NaN : total / weightTotal;
}
