// Public API of src/baselines (re-exported by src/index.ts).
export { type FewshotParams, fewshotParams, fewshotSystem } from "./fewshot-system.js";
export { type LbfgsOptions, type LbfgsResult, minimizeLbfgs, type Objective } from "./lbfgs.js";
export {
  fitLogisticRegression,
  type LogisticModel,
  type LogisticOptions,
  predictProbabilities,
} from "./logistic-regression.js";
export { majorityParams, majoritySystem } from "./majority-system.js";
export { fitRidgeRegression, predictRidge, type RidgeModel } from "./ridge-regression.js";
export { type SparseMatrix, type SparseRow, stackRows } from "./sparse-matrix.js";
export {
  loadTfidfLogregModel,
  predictTfidfLogreg,
  saveTfidfLogregModel,
  tfidfLogregArtifact,
  type TfidfLogregModel,
} from "./tfidf-logreg-model.js";
export { type TfidfLogregParams, tfidfLogregParams, tfidfLogregSystem } from "./tfidf-logreg-system.js";
export { fitTfidf, type TfidfOptions, type TfidfVectorizer, tfidfRow } from "./tfidf-vectorizer.js";
