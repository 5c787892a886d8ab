// Public API of src/serve (re-exported by src/index.ts): reading deployments and their feedback, and
// the predictor `expbook predict` and `expbook serve` load. The HTTP server itself (Fastify) is reached
// through `expbook serve`, so importing expbook does not load it.
export {
  type DeploymentEvent,
  type DocumentEvent,
  deploymentRecordArtifact,
  type FeedbackEvent,
  type PredictionEvent,
  readDeploymentEvents,
  type ServedInput,
} from "./deployment-event.js";
export { type DeploymentSummary, summarizeDeployment } from "./deployment-summary.js";
export {
  type FeedbackExport,
  exportFeedback,
  feedbackDatasetFile,
  type LiveEstimate,
} from "./feedback-export.js";
export { type FeedbackPair, feedbackPairs, feedbackRow, readFeedbackExamples } from "./feedback-rows.js";
export {
  applyDocumentEvent,
  type KnowledgeBaseReplay,
  replayKnowledgeBase,
} from "./knowledge-base-replay.js";
export { loadRunPredictor, type RunPredictor, servableKinds } from "./run-predictor.js";
