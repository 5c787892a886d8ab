// Public API of src/study: one-run fitting, study files, the study runner, reruns.
export { isSystemKind, loadSystem, systemKinds } from "./builtin-systems.js";
export { type FeedbackParams, feedbackParams, feedbackSystem } from "./feedback-system.js";
export { type FitRequest, type FitResult, fitSystem } from "./fit-system.js";
export { type LoadedStudy, loadStudy, validateStudy } from "./load-study.js";
export { makeJob, type PlanOptions, planFirstPhase, type StudyJob, studySeeds, studySizes } from "./plan.js";
export { type PredictionRow, parsePredictionRows, predictionsArtifact } from "./prediction-rows.js";
export { type ChangedFact, type MetricMatch, type RerunReport, rerunRun } from "./rerun.js";
export {
  type RunStudyOptions,
  runStudy,
  type StudyOutcome,
  type StudyProgress,
  studyArtifact,
} from "./run-study.js";
export { type Study, type StudySystem, studySchema, studySystemSchema } from "./schema.js";
export { lowerIsBetter, selectTrials, type TrialSelection } from "./select-trials.js";
export { sweepTrials, type TrialParams } from "./sweep.js";
export { definitionOf, loadSystemModule, type SystemModule } from "./system-module.js";
export {
  type PrepareContextOptions,
  prepareSystemContext,
  type RecordedMetrics,
  type SeriesPoint,
} from "./system-context.js";
