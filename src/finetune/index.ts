// Public API of src/finetune (re-exported by src/index.ts).
export { type BackendInfo, type BackendName, backendNames, selectBackend } from "./backend.js";
export {
  cacheDirectory,
  loadPretrainedVectors,
  meanVector,
  type PretrainedVectorOptions,
  type PretrainedVectors,
} from "./pretrained-vectors.js";
