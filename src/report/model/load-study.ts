import {
  duplicateOf,
  isSelected,
  kbStateOf,
  type PredictionRow,
  predictionsArtifact,
  readStudyRecord,
  type StudyRecord,
  stageOf as recordedStage,
  studyRecordArtifact,
  summaryName,
  systemOf,
} from "../../tracker/records/index.js";
import type { MetricPoint, RunRecord } from "../../tracker/types.js";
import { StoreError } from "../../util/errors.js";
import { readRunPredictions } from "./predictions.js";
import type { ReportTracker } from "./report-tracker.js";
import { readArtifactText } from "./report-tracker.js";

export { familyOf, kbStateOf, systemOf } from "../../tracker/records/index.js";

/** A run whose holdout results a report shows, with its curves and predictions loaded. */
export interface ResultRun {
  record: RunRecord;
  system: string;
  /** The results-table row it belongs to: the system, plus the knowledge-base state in freshness studies. */
  group: string;
  seed: number | null;
  series: Record<string, MetricPoint[]>;
  predictions: PredictionRow[];
}

/** A learning-curve run: its budget ("8", ..., "all"), labelled examples and test predictions. */
export interface LearningCurveRun {
  run: RunRecord;
  /** Labelled training examples; "all" runs sit at the mean training-set size of the study's splits. */
  labelled: number;
  /** The budget as the study names it: the size, or "all". */
  budget: string;
  predictions: PredictionRow[];
}

/** Everything a report needs from the tracker for one experiment. */
export interface LoadedStudy {
  experiment: string;
  studyRun: RunRecord | null;
  record: StudyRecord | null;
  /** Every run of the experiment, oldest first. */
  allRuns: RunRecord[];
  /** Finished trial runs (sweep trials included). */
  trials: RunRecord[];
  /** Runs the results table is made of (selected finals), loaded. */
  results: ResultRun[];
  /** Learning-curve points: finished result-stage runs, their labelled examples and test predictions. */
  learningCurve: LearningCurveRun[];
  warnings: string[];
}

function stageOf(run: RunRecord): string {
  return recordedStage(run) ?? "";
}

function pickResultRuns(runs: RunRecord[]): RunRecord[] {
  const finals = runs.filter((run) => stageOf(run) === "final");
  if (finals.length > 0) return finals;
  const selected = runs.filter(isSelected);
  return selected.length > 0 ? selected : runs;
}

/**
 * Keeps, per system, the runs trained on all labelled data: runs without `n_labelled` when the
 * system has any (a learning curve's "all" size), else those at the largest `n_labelled`.
 */
function atFullSize(runs: RunRecord[]): RunRecord[] {
  const full = new Set<string>();
  const largest = new Map<string, number>();
  for (const run of runs) {
    const n = run.summary[summaryName.nLabelled];
    if (typeof n !== "number") full.add(systemOf(run));
    else largest.set(systemOf(run), Math.max(largest.get(systemOf(run)) ?? n, n));
  }
  return runs.filter((run) => {
    const n = run.summary[summaryName.nLabelled];
    if (full.has(systemOf(run))) return typeof n !== "number";
    return n === largest.get(systemOf(run));
  });
}

/** Learning-curve points: runs of systems with an `n_labelled`; "all" runs at their split's train size. */
function learningCurveRuns(
  runs: RunRecord[],
  record: StudyRecord | null,
): Omit<LearningCurveRun, "predictions">[] {
  const curved = new Set(
    runs.filter((run) => typeof run.summary[summaryName.nLabelled] === "number").map(systemOf),
  );
  // "all" runs record no n_labelled: place them at the mean training-set size of the study's splits.
  const sizes = (record?.splits ?? [])
    .map((split) => split.info.sizes?.train)
    .filter((n) => typeof n === "number");
  const allSize = sizes.length > 0 ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : undefined;
  return runs.flatMap((run) => {
    if (!curved.has(systemOf(run))) return [];
    const n = run.summary[summaryName.nLabelled];
    const labelled = typeof n === "number" ? n : allSize;
    return labelled === undefined
      ? []
      : [{ run, labelled, budget: typeof n === "number" ? String(n) : "all" }];
  });
}

/** What makes two runs the same job of a study, whatever params an execution used. */
function jobIdentity(run: RunRecord): string {
  // A trial without its trial number cannot be matched to another execution's: keep it.
  if (stageOf(run) === "trial" && run.tags.trial === undefined) return run.id;
  const n = run.summary[summaryName.nLabelled];
  return [
    stageOf(run),
    systemOf(run),
    run.seed,
    run.tags.trial ?? "",
    typeof n === "number" ? n : "all",
    kbStateOf(run) ?? "",
  ].join("\u0000");
}

/**
 * The runs of the latest study execution: the seeds its study run lists, and for a job run more than
 * once (a --quick run, then a full one) only the newest run. `runs` are oldest first.
 */
function latestExecution(runs: RunRecord[], studyRun: RunRecord | null, warnings: string[]): RunRecord[] {
  const seeds = studyRun?.params.seeds;
  const wanted =
    Array.isArray(seeds) && seeds.every((seed) => typeof seed === "number") ? new Set(seeds) : null;
  const inSeeds = wanted ? runs.filter((run) => run.seed === null || wanted.has(run.seed)) : runs;
  const newest = new Map<string, RunRecord>();
  for (const run of inSeeds) newest.set(jobIdentity(run), run);
  const kept = new Set(newest.values());
  const dropped = runs.length - kept.size;
  if (dropped > 0) {
    warnings.push(
      `${dropped} run(s) from earlier executions of this study (other seeds or settings) are left out.`,
    );
  }
  return runs.filter((run) => kept.has(run));
}

async function predictionsOf(
  tracker: ReportTracker,
  run: RunRecord & { artifacts: string[] },
): Promise<PredictionRow[]> {
  if (!run.artifacts.includes(predictionsArtifact)) return [];
  return readRunPredictions(tracker, run.id);
}

async function testPredictionsOf(tracker: ReportTracker, run: RunRecord): Promise<PredictionRow[]> {
  const predictions = await predictionsOf(tracker, await tracker.run(run.id));
  return predictions.filter((p) => p.split === "test");
}

/**
 * Loads an experiment's study record and runs from the tracker. Throws StoreError when the
 * experiment has no runs at all.
 */
export async function loadStudy(tracker: ReportTracker, experiment: string): Promise<LoadedStudy> {
  const allRuns = [...(await tracker.runs({ experiment }))].sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
  if (allRuns.length === 0) {
    throw new StoreError(
      `experiment "${experiment}" has no runs in this store; run the study first (expbook run STUDY.json) or pass --store`,
    );
  }
  const warnings: string[] = [];
  let studyRun: RunRecord | null = null;
  let record: StudyRecord | null = null;
  for (const run of allRuns.filter((r) => stageOf(r) === "study").reverse()) {
    // Artifacts written straight into the run folder are listed only by `tracker.run`.
    if (!(await tracker.run(run.id)).artifacts.includes(studyRecordArtifact)) continue;
    studyRun = run;
    record = readStudyRecord(await readArtifactText(tracker, run.id, studyRecordArtifact), run.id);
    break;
  }
  if (!studyRun)
    warnings.push("No study run with study.json was found: the question, data and commands are unknown.");

  // A run tagged duplicate_of repeats an earlier finished run of the same job (a resumed study).
  const systemRuns = allRuns.filter((run) => stageOf(run) !== "study" && duplicateOf(run) === undefined);
  const unfinished = systemRuns.filter((run) => run.status !== "finished");
  if (unfinished.length > 0) {
    const states = [...new Set(unfinished.map((run) => run.status))].join(", ");
    warnings.push(`${unfinished.length} run(s) did not finish (${states}) and are left out of the results.`);
  }
  const finished = latestExecution(
    systemRuns.filter((run) => run.status === "finished"),
    studyRun,
    warnings,
  );
  const trials = finished.filter((run) => stageOf(run) === "trial");
  const resultStage = pickResultRuns(finished);
  const learningCurve: LearningCurveRun[] = [];
  for (const point of learningCurveRuns(resultStage, record))
    learningCurve.push({ ...point, predictions: await testPredictionsOf(tracker, point.run) });
  const full = atFullSize(resultStage);
  // A system's freshness states get their own rows only when one system name carries both.
  const states = new Map<string, Set<string>>();
  for (const run of full) {
    const set = states.get(systemOf(run)) ?? new Set<string>();
    set.add(kbStateOf(run) ?? "");
    states.set(systemOf(run), set);
  }

  const results: ResultRun[] = [];
  for (const run of full) {
    const full = await tracker.run(run.id);
    const predictions = await predictionsOf(tracker, full);
    const state = kbStateOf(run);
    const system = systemOf(run);
    const split = (states.get(system)?.size ?? 0) > 1 && state !== undefined;
    results.push({
      record: run,
      system,
      group: split ? `${system} (KB ${state})` : system,
      seed: run.seed,
      series: full.series ?? {},
      predictions,
    });
  }
  return { experiment, studyRun, record, allRuns, trials, results, learningCurve, warnings };
}
