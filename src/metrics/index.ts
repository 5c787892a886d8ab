// Public API of src/metrics (re-exported by src/index.ts): pure metric functions that agree with scikit-learn.
export { accuracyScore } from "./accuracy.js";
export { type ConfusionMatrix, confusionMatrix } from "./confusion-matrix.js";
export {
  type Average,
  type AveragedScores,
  f1Score,
  fbetaScore,
  type PerClassScores,
  type PrfOptions,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  type ScoreOptions,
  type ZeroDivision,
} from "./precision-recall-fscore.js";
export { r2Score } from "./r2-score.js";
export {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  rootMeanSquaredError,
} from "./regression-errors.js";
export {
  type ClassificationSummary,
  type RegressionSummary,
  scoreClassification,
  scoreRegression,
} from "./score-summary.js";
