// Public API of src/tracker (re-exported by src/index.ts).
export type { GcReport } from "./collect-garbage.js";
export {
  comparePredictionRows,
  type PairedRow,
  type RunPairComparison,
} from "./compare-prediction-rows.js";
export {
  type CompareOptions,
  type Comparison,
  type ComparisonCell,
  type ComparisonRow,
  type ComparisonSection,
  compareRecords,
} from "./compare-runs.js";
export { captureEnvironment, type GitState } from "./environment.js";
export { DEFAULT_STALE_AFTER_MS, HEARTBEAT_INTERVAL_MS } from "./liveness.js";
export { matchesQuery } from "./query-evaluate.js";
export { parseQuery, type QueryNode } from "./query-parse.js";
export { flatten as flattenParams } from "./run-fields.js";
export { runRows, runsFrame, seriesFrame } from "./run-frame.js";
export {
  type PairedComparisonTable,
  pairedComparisonTable,
  type RunPredictions,
} from "./paired-comparison-table.js";
export * from "./records/index.js";
export { newRunId } from "./run-id.js";
export { applyRunQuery } from "./run-query.js";
export { resolveStoreDir } from "./store-layout.js";
export { openTracker, type Tracker, type TrackerOptions } from "./tracker.js";
export { openRunStore, resolveStoreUri } from "./store/open-run-store.js";
export type {
  ArtifactInfo,
  ArtifactSource,
  LockResult,
  RunExport,
  RunStore,
  RunStoreOptions,
} from "./store/run-store.js";
export { type SyncedRun, type SyncReport, syncStores } from "./sync-stores.js";
export type * from "./types.js";
