import { type PredictionRow, predictionsArtifact, readPredictionRows } from "../../tracker/records/index.js";
import { type ReportTracker, readArtifactText } from "./report-tracker.js";

/**
 * Reads a run's `predictions.jsonl` with the record reader: a malformed line is a RecordError naming
 * the file (its path when the tracker knows it), the line and the field, never a silently shorter run.
 */
export async function readRunPredictions(tracker: ReportTracker, runId: string): Promise<PredictionRow[]> {
  const text = await readArtifactText(tracker, runId, predictionsArtifact);
  const source =
    (await tracker.artifactFile?.(runId, predictionsArtifact).catch(() => undefined)) ??
    `run ${runId} ${predictionsArtifact}`;
  return readPredictionRows(text, source);
}
