// Public API of src/tracker (re-exported by src/index.ts).
export type { GcReport } from "./collect-garbage.js";
export {
  addComparisonHook,
  type Comparison,
  type ComparisonCell,
  type ComparisonHook,
  type ComparisonRow,
  type ComparisonSection,
  compareRecords,
  compareRuns,
} from "./compare-runs.js";
export { captureEnvironment } from "./environment.js";
export { DEFAULT_STALE_AFTER_MS, HEARTBEAT_INTERVAL_MS } from "./liveness.js";
export { matchesQuery } from "./query-evaluate.js";
export { parseQuery, type QueryNode } from "./query-parse.js";
export { flatten as flattenParams } from "./run-fields.js";
export { runRows, runsFrame, seriesFrame } from "./run-frame.js";
export { newRunId } from "./run-id.js";
export { applyRunQuery } from "./run-query.js";
export { resolveStoreDir } from "./store-layout.js";
export { openTracker, type Tracker, type TrackerOptions } from "./tracker.js";
export type * from "./types.js";
