import { accuracyScore } from "../metrics/accuracy.js";
import { precisionRecallFscoreSupport } from "../metrics/precision-recall-fscore.js";
import { r2Score } from "../metrics/r2-score.js";
import { uniqueLabels } from "../metrics/validate.js";
import { meanAbsoluteError, rootMeanSquaredError } from "../metrics/regression-errors.js";
import { InputError } from "../util/errors.js";
import { holmBonferroni } from "./holm-bonferroni.js";
import { type McNemarResult, mcnemarTest } from "./mcnemar.js";
import { pairedBootstrap } from "./paired-bootstrap.js";
import { permutationTest } from "./permutation-test.js";
import { checkSameLength } from "./validate.js";

/** Metrics `comparePaired` can compare on (names as runs record them, without the split prefix). */
export type ComparedMetric = "f1" | "f1_macro" | "accuracy" | "mae" | "rmse" | "r2";

/** Two systems' per-example test predictions on the same rows, in the same order. */
export interface ComparePairedInput {
  yTrue: readonly (string | number)[];
  predA: readonly (string | number)[];
  predB: readonly (string | number)[];
  task: "classification" | "regression";
  /** Binary F1 is reported for this class when there are two labels. */
  positiveLabel?: string;
  /** The dataset's classes (default: the sorted union of truth and both prediction sets). */
  labels?: readonly string[];
  seed: number;
  /** Default: `f1` for classification (as `scoreClassification`), `mae` for regression. */
  metric?: ComparedMetric;
  /** Resamples for the bootstrap and the permutation test (default 1000 each). */
  resamples?: number;
  confidence?: number;
}

/** A paired comparison of system A against system B. */
export interface ComparePairedResult {
  metric: ComparedMetric;
  higherIsBetter: boolean;
  n: number;
  a: number;
  b: number;
  /** a − b. */
  difference: number;
  /** Paired-bootstrap percentile CI of the difference. */
  ci: { low: number; high: number; confidence: number };
  /** McNemar's test on per-example correctness (classification only). */
  mcnemar?: McNemarResult;
  bootstrapP: number;
  permutationP: number;
}

/**
 * Compares two systems on the same test examples: the difference in the metric with a paired-bootstrap
 * CI, a bootstrap p-value, an approximate-randomisation p-value and (classification) McNemar's test.
 */
export function comparePaired(input: ComparePairedInput): ComparePairedResult {
  const n = checkSameLength("comparePaired", { yTrue: input.yTrue, predA: input.predA, predB: input.predB });
  const options = {
    seed: input.seed,
    resamples: input.resamples ?? 1000,
    confidence: input.confidence ?? 0.95,
  };
  if (input.task === "classification") {
    const yTrue = input.yTrue.map(String);
    const predA = input.predA.map(String);
    const predB = input.predB.map(String);
    const metricName = input.metric ?? "f1";
    const metric = classificationMetric(
      metricName,
      input.labels ?? uniqueLabels(yTrue, predA, predB),
      input.positiveLabel,
    );
    const boot = pairedBootstrap(yTrue, predA, predB, metric, options);
    const perm = permutationTest(yTrue, predA, predB, metric, options);
    const mcnemar = mcnemarTest(
      yTrue.map((label, i) => label === predA[i]),
      yTrue.map((label, i) => label === predB[i]),
    );
    return result(metricName, true, n, boot, perm.pValue, mcnemar);
  }
  const yTrue = numbers("yTrue", input.yTrue);
  const predA = numbers("predA", input.predA);
  const predB = numbers("predB", input.predB);
  const metricName = input.metric ?? "mae";
  const [metric, higherIsBetter] = regressionMetric(metricName);
  const boot = pairedBootstrap(yTrue, predA, predB, metric, options);
  const perm = permutationTest(yTrue, predA, predB, metric, options);
  return result(metricName, higherIsBetter, n, boot, perm.pValue);
}

/** One named comparison for `compareSystems`. */
export interface NamedComparison extends ComparePairedInput {
  name: string;
}

/** A comparison with its p-value adjusted for the whole family (Holm–Bonferroni). */
export interface AdjustedComparison extends ComparePairedResult {
  name: string;
  /** Which p-value the adjustment was applied to. */
  test: "permutation" | "bootstrap" | "mcnemar";
  adjustedP: number;
}

/**
 * Runs several paired comparisons and adjusts the chosen test's p-values (default: permutation) with
 * Holm–Bonferroni, so "significant" means significant across the family.
 */
export function compareSystems(
  comparisons: readonly NamedComparison[],
  options: { test?: "permutation" | "bootstrap" | "mcnemar" } = {},
): AdjustedComparison[] {
  const test = options.test ?? "permutation";
  const results = comparisons.map((comparison) => ({ name: comparison.name, ...comparePaired(comparison) }));
  const pValues = results.map((r) => {
    if (test === "bootstrap") return r.bootstrapP;
    if (test === "permutation") return r.permutationP;
    if (!r.mcnemar)
      throw new InputError(`compareSystems: McNemar's test needs classification, "${r.name}" is not`);
    return r.mcnemar.pValue;
  });
  const adjusted = holmBonferroni(pValues);
  return results.map((r, i) => ({ ...r, test, adjustedP: adjusted[i] as number }));
}

function result(
  metric: ComparedMetric,
  higherIsBetter: boolean,
  n: number,
  boot: ReturnType<typeof pairedBootstrap>,
  permutationP: number,
  mcnemar?: McNemarResult,
): ComparePairedResult {
  return {
    metric,
    higherIsBetter,
    n,
    a: boot.a,
    b: boot.b,
    difference: boot.difference,
    ci: { low: boot.low, high: boot.high, confidence: boot.confidence },
    ...(mcnemar ? { mcnemar } : {}),
    bootstrapP: boot.pValue,
    permutationP,
  };
}

function classificationMetric(
  name: ComparedMetric,
  labels: readonly string[],
  positiveLabel: string | undefined,
): (yTrue: string[], yPred: string[]) => number {
  if (name === "accuracy") return accuracyScore;
  if (name === "f1_macro" || (name === "f1" && (positiveLabel === undefined || labels.length !== 2))) {
    return (t, p) => precisionRecallFscoreSupport(t, p, { average: "macro", labels }).fscore;
  }
  if (name === "f1") {
    const only = [positiveLabel as string];
    return (t, p) => precisionRecallFscoreSupport(t, p, { average: "macro", labels: only }).fscore;
  }
  throw new InputError(`comparePaired: metric "${name}" is for regression; use f1, f1_macro or accuracy`);
}

function regressionMetric(name: ComparedMetric): [(yTrue: number[], yPred: number[]) => number, boolean] {
  if (name === "mae") return [meanAbsoluteError, false];
  if (name === "rmse") return [rootMeanSquaredError, false];
  if (name === "r2") return [r2Score, true];
  throw new InputError(`comparePaired: metric "${name}" is for classification; use mae, rmse or r2`);
}

function numbers(name: string, values: readonly (string | number)[]): number[] {
  return values.map((value, i) => {
    const number = typeof value === "number" ? value : Number.NaN;
    if (!Number.isFinite(number)) {
      throw new InputError(`comparePaired: ${name}[${i}] is ${JSON.stringify(value)}, not a finite number`);
    }
    return number;
  });
}
