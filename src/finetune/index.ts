// Public API of src/finetune (re-exported by src/index.ts).
export { type BackendInfo, type BackendName, backendNames, selectBackend } from "./backend.js";
export { EmbeddingTable, type SparseOptimizerName, type SparseOptimizerOptions } from "./embedding-table.js";
export { finetuneSystem } from "./finetune-system.js";
export { FinetunedModel, type ModelMeta } from "./finetuned-model.js";
export {
  type EpochRecord,
  type NetworkFitOptions,
  type NetworkFitResult,
  fitNetwork,
  isOverfitting,
} from "./fit-network.js";
export { type EmbeddingBase, loadModel, modelFiles, saveModel } from "./model-artifact.js";
export { type FinetuneParams, finetuneParams } from "./params.js";
export { maxAutoBatchSize, type TrainingBudget, trainingBudget } from "./training-budget.js";
export { cacheDirectory } from "../util/cache-dir.js";
export {
  loadPretrainedVectors,
  meanVector,
  type PretrainedVectorOptions,
  type PretrainedVectors,
} from "../embeddings/pretrained-vectors.js";
export { buildVocabulary, type EncodedTexts, encodeTexts, type Vocabulary } from "./vocabulary.js";
export { predictWithRun, readPredictionInput } from "./predict-rows.js";
