import { accuracyScore } from "./accuracy.js";
import { precisionRecallFscoreSupport } from "./precision-recall-fscore.js";
import { meanAbsoluteError, rootMeanSquaredError } from "./regression-errors.js";
import { r2Score } from "./r2-score.js";

/** The classification figures every run records (the caller prefixes them: `test_f1`, `val_accuracy`). */
export interface ClassificationSummary {
  /** Binary F1 of the positive class when one is given and there are two classes, else macro F1. */
  f1: number;
  f1_macro: number;
  accuracy: number;
}

/** The regression figures every run records. */
export interface RegressionSummary {
  mae: number;
  rmse: number;
  r2: number;
}

/**
 * Scores classification predictions. `labels` are the dataset's classes (so a class missing from a small
 * test set still counts in the macro average with zero division as 0).
 */
export function scoreClassification(
  yTrue: readonly string[],
  yPred: readonly string[],
  options: { labels: readonly string[]; positiveLabel?: string },
): ClassificationSummary {
  const labels = options.labels.length > 0 ? options.labels : undefined;
  const f1Macro = precisionRecallFscoreSupport(yTrue, yPred, { average: "macro", labels }).fscore;
  const binary = options.positiveLabel !== undefined && options.labels.length === 2;
  const f1 = binary
    ? precisionRecallFscoreSupport(yTrue, yPred, {
        average: "macro",
        labels: [options.positiveLabel as string],
      }).fscore
    : f1Macro;
  return { f1, f1_macro: f1Macro, accuracy: accuracyScore(yTrue, yPred) };
}

/** Scores regression predictions: MAE, RMSE and R². */
export function scoreRegression(yTrue: readonly number[], yPred: readonly number[]): RegressionSummary {
  return {
    mae: meanAbsoluteError(yTrue, yPred),
    rmse: rootMeanSquaredError(yTrue, yPred),
    r2: r2Score(yTrue, yPred),
  };
}
