// Public API of src/data: datasets, loaders, splits, fingerprints.
export { builtinDatasets, type BuiltinDataset } from "./builtin/registry.js";
export { messageBody } from "./builtin/spam-assassin.js";
export { type FileColumns, type FileRows, loadFileRows, parseFileRows } from "./file-dataset.js";
export { fingerprintIds, fingerprintRows } from "./fingerprint.js";
export { exampleRecords, toDataFrame } from "./frame.js";
export { type Fold, kFold, type KFoldOptions } from "./k-fold.js";
export {
  type DatasetSummary,
  listDatasets,
  loadDataset,
  type LoadDatasetOptions,
  projectRelativePath,
  resolveDatasetPath,
  summarizeDataset,
} from "./load-dataset.js";
export { apiWords, DatasetOptionError, type OptionWords, respell } from "./option-words.js";
export { defaultFractions, makeSplit, type SplitFractions, type SplitOptions } from "./split.js";
export { subsampleRows } from "./subsample.js";
export { tokenize } from "./tokenize.js";
export type {
  Dataset,
  DatasetNotice,
  DatasetOptions,
  Example,
  MetaValue,
  Split,
  SplitInfo,
  SplitStrategy,
  Task,
} from "./types.js";
export { exportRow, writeSplit } from "./write-split.js";
