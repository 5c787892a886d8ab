// The run record format, declared once: prediction rows, the study record, run tags and summary names.
// Every writer and reader in expbook imports these; runs made outside expbook follow the same contract.
export {
  type CitationRecord,
  citationSchema,
  formatPredictionRows,
  type PredictionRow,
  type PredictionRowInput,
  predictionRowSchema,
  predictionsArtifact,
  type RecordTask,
  readPredictionRows,
  writePredictionRows,
} from "./prediction-row.js";
export {
  duplicateOf,
  familyOf,
  isSelected,
  jobOf,
  type KbState,
  kbStateOf,
  kbStateSchema,
  type RunStage,
  runStageSchema,
  runTag,
  stageOf,
  systemOf,
} from "./run-tags.js";
export {
  readStudyRecord,
  type StudyDefinitionRecord,
  type StudyRecord,
  type StudyRecordInput,
  studyRecordArtifact,
  studyRecordSchema,
  writeStudyRecord,
} from "./study-record.js";
export { type MetricSplit, positiveLabelOf, splitMetric, summaryName } from "./summary-names.js";
