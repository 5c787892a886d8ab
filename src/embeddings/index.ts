// Public API of src/embeddings: word vectors and text embedders, shared by finetune, rag and baselines.
export { normalised } from "./normalise.js";
export {
  loadPretrainedVectors,
  meanVector,
  type PretrainedVectorOptions,
  type PretrainedVectors,
} from "./pretrained-vectors.js";
export { type DisposableEmbedder, meanVectorEmbedder, type TextEmbedder } from "./text-embedder.js";
