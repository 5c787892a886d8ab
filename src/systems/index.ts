// Public API of src/systems: the contract every system kind implements (built-in or a user's own).
export { defineSystem, definitionProblem } from "./define-system.js";
export { folderArtifacts } from "./folder-artifacts.js";
export type {
  ArtifactAccess,
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
