// expbook's public API: everything notebooks and other programs import from "expbook". Each area's
// index.ts is also a sub-path of its own (`expbook/tracker`, `expbook/metrics`, `expbook/stats`,
// `expbook/data`, `expbook/report`, `expbook/study`, `expbook/finetune`) that loads only that area.
export * from "./baselines/index.js";
export * from "./data/index.js";
// TensorFlow.js (about a second to load) comes in only when a fine-tune, a prediction or a backend
// call needs it: the root re-exports the finetune modules that do not import it at load time.
// `expbook/finetune` has the rest (networks, the training loop, model files).
export { type BackendInfo, type BackendName, backendNames, selectBackend } from "./finetune/backend.js";
export {
  EmbeddingTable,
  type SparseOptimizerName,
  type SparseOptimizerOptions,
} from "./finetune/embedding-table.js";
export type { FinetunedModel, ModelMeta } from "./finetune/finetuned-model.js";
export type { EpochRecord, NetworkFitOptions, NetworkFitResult } from "./finetune/fit-network.js";
export { type FinetuneParams, finetuneParams } from "./finetune/params.js";
export { maxAutoBatchSize, type TrainingBudget, trainingBudget } from "./finetune/training-budget.js";
export * from "./embeddings/index.js";
export { loadFinetunedEmbedder } from "./finetune/finetuned-embedder.js";
export * from "./priors/index.js";
export { buildVocabulary, type EncodedTexts, encodeTexts, type Vocabulary } from "./finetune/vocabulary.js";
export { predictWithRun, readPredictionInput } from "./finetune/predict-rows.js";
export { cacheDirectory } from "./util/cache-dir.js";
export { findProjectRoot } from "./util/project-root.js";
export * from "./http/index.js";
export * from "./metrics/index.js";
export * from "./rag/index.js";
export * from "./report/index.js";
export * from "./serve/index.js";
export * from "./stats/index.js";
export * from "./study/index.js";
export * from "./systems/index.js";
export * from "./tracker/index.js";
export * from "./util/errors.js";
export { createRng, type Rng } from "./util/random.js";
