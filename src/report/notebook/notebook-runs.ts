import type { Tracker } from "../../tracker/tracker.js";
import type { RunWithSeries } from "../../tracker/types.js";
import { InputError } from "../../util/errors.js";
import { type ResultRun, systemOf } from "../model/load-study.js";
import { readRunPredictions } from "../model/predictions.js";

/** A run as notebooks hold it: its id (or a unique prefix), a run record, or what `fitSystem` returned. */
export type RunRef = string | { id: string } | { runId: string };

/**
 * What the notebook helpers read from a tracker (`openTracker()` gives one); `artifactFile` lets
 * `show.citations` read cited documents' text from a RAG run's knowledge base.
 */
export type NotebookTracker = Pick<Tracker, "runs" | "run" | "readArtifact"> &
  Partial<Pick<Tracker, "artifactFile">>;

/** The id (or prefix) a run reference names. */
export function runIdOf(ref: RunRef): string {
  if (typeof ref === "string") return ref;
  if ("runId" in ref && typeof ref.runId === "string") return ref.runId;
  if ("id" in ref && typeof ref.id === "string") return ref.id;
  throw new InputError("a run is given by its id, a run record or fitSystem's result ({ runId })");
}

/** Several runs or one, as a list. */
export function runList(refs: RunRef | readonly RunRef[]): RunRef[] {
  return Array.isArray(refs) ? [...(refs as readonly RunRef[])] : [refs as RunRef];
}

/** Loads runs with their series and, when they have them, their per-example predictions. */
export async function loadRuns(tracker: NotebookTracker, refs: readonly RunRef[]): Promise<ResultRun[]> {
  if (refs.length === 0)
    throw new InputError("no runs given: pass run ids, run records or fitSystem results");
  const records: RunWithSeries[] = [];
  for (const ref of refs) records.push(await tracker.run(runIdOf(ref)));
  // Group by system; when two runs of one system share a seed (a notebook's own variants of one
  // kind), their names tell them apart instead.
  const bySystem = new Set(records.map((run) => `${systemOf(run)}\u0000${run.seed}`));
  const group = bySystem.size === records.length ? systemOf : (run: RunWithSeries) => run.name;
  const loaded: ResultRun[] = [];
  for (const record of records) {
    const predictions = record.artifacts.includes("predictions.jsonl")
      ? await readRunPredictions(tracker, record.id)
      : [];
    loaded.push({
      record,
      system: group(record),
      group: group(record),
      seed: record.seed,
      series: record.series,
      predictions,
    });
  }
  return loaded;
}
