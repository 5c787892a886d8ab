import type { RunRecord, RunWithSeries } from "../../tracker/types.js";

/**
 * What a report reads from the tracker. `openTracker()` satisfies it; tests and notebooks may pass
 * any object with these three methods.
 */
export interface ReportTracker {
  runs(query: { experiment: string }): Promise<RunRecord[]> | RunRecord[];
  run(id: string): Promise<RunWithSeries> | RunWithSeries;
  readArtifact(runId: string, name: string): Promise<string | Uint8Array> | string | Uint8Array;
  /** A local file holding an artifact, so errors can name the file (optional). */
  artifactFile?(runId: string, name: string): Promise<string>;
}

/** Reads an artifact as UTF-8 text, whatever form the tracker returns it in. */
export async function readArtifactText(tracker: ReportTracker, runId: string, name: string): Promise<string> {
  const data = await tracker.readArtifact(runId, name);
  return typeof data === "string" ? data : new TextDecoder().decode(data);
}
