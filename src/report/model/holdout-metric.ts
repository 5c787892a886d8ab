import { scoreClassification, scoreRegression } from "../../metrics/index.js";

/** What a metric over predictions needs to know about the task. */
export interface MetricContext {
  task: string;
  /** Base metric name as recorded without its prefix: f1, f1_macro, accuracy, mae, rmse, r2. */
  base: string;
  labels: readonly string[];
  positiveLabel?: string;
}

/** The base metric over plain true/predicted values, computed exactly as runs record it. */
export function scoreValues(
  context: MetricContext,
  yTrue: readonly (string | number)[],
  yPred: readonly (string | number)[],
): number {
  if (yTrue.length === 0) return Number.NaN;
  if (context.task === "regression") {
    const scores = scoreRegression(yTrue.map(Number), yPred.map(Number)) as unknown as Record<string, number>;
    return scores[context.base] ?? Number.NaN;
  }
  const options: { labels: readonly string[]; positiveLabel?: string } = { labels: context.labels };
  if (context.positiveLabel !== undefined) options.positiveLabel = context.positiveLabel;
  const scores = scoreClassification(yTrue.map(String), yPred.map(String), options) as unknown as Record<
    string,
    number
  >;
  return scores[context.base] ?? Number.NaN;
}

/**
 * The positive class behind a recorded binary `test_f1` when the study record does not name it:
 * the label whose F1 reproduces the recorded value.
 */
export function inferPositiveLabel(
  labels: readonly string[],
  yTrue: readonly string[],
  yPred: readonly string[],
  recordedF1: number,
): string | undefined {
  if (labels.length !== 2) return undefined;
  return labels.find((label) => {
    const f1 = scoreClassification(yTrue, yPred, { labels, positiveLabel: label }).f1;
    return Math.abs(f1 - recordedF1) < 1e-9;
  });
}
