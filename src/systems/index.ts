// Public API of src/systems: the contract every system kind implements, and the registry of kinds.
export { isSystemKind, loadSystem, systemKinds } from "./registry.js";
export type {
  Citation,
  LinkedRun,
  MetricSink,
  Prediction,
  ProgressEvent,
  SystemContext,
  SystemDefinition,
  SystemOutput,
} from "./system.js";
export { describeIssue, issuePath, validateSystemParams } from "./validate-params.js";
