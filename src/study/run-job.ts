import { type LoadDatasetOptions, loadDataset } from "../data/load-dataset.js";
import { makeSplit, type SplitOptions } from "../data/split.js";
import type { Split } from "../data/types.js";
import type { ProgressEvent } from "../systems/system.js";
import type { GitState } from "../tracker/environment.js";
import { openTracker, type Tracker } from "../tracker/tracker.js";
import { StudyError } from "../util/errors.js";
import { canonicalJson } from "../util/hash.js";
import { type FitResult, fitSystem } from "./fit-system.js";
import { loadSystemModule } from "./system-module.js";
import type { CheckedStudy } from "./load-study.js";
import type { StudyJob } from "./plan.js";

/** What every job of one study shares. */
export interface StudyContext {
  study: string;
  experiment: string;
  /** The run store's URI (a folder, or `postgres://…`): what every worker opens. */
  store: string;
  dataset: { name: string } & LoadDatasetOptions;
  /** Split options without the seed (each job has its own split seed). */
  split: Omit<SplitOptions, "seed">;
  /**
   * The git state the local runner found at the study's start, recorded with every run instead of each
   * worker asking git again per run (workers share the runner's folder and load their code at the start).
   * A distributed worker's jobs come without it: its fitting process records the state it found when it
   * warmed up (the code it loaded then).
   */
  git?: GitState;
}

/** The context every job of a study shares: study, experiment, store URI, dataset and split options. */
export function studyJobContext(loaded: CheckedStudy, store: string): StudyContext {
  const { study } = loaded;
  return {
    study: study.name,
    experiment: study.name,
    store,
    dataset: study.dataset,
    split: {
      strategy: study.split.strategy,
      ...(study.split.by ? { by: study.split.by } : {}),
      ...(study.split.fractions ? { fractions: study.split.fractions } : {}),
      ...(study.split.update !== undefined ? { update: study.split.update } : {}),
    },
  };
}

/** The run name of a job: system, then trial, size and seed. */
export function jobRunName(job: StudyJob): string {
  const parts = [job.system];
  if (job.trial !== undefined) parts.push(`trial=${job.trial + 1}`);
  if (job.labelled !== undefined) parts.push(`n=${job.labelled}`);
  parts.push(`seed=${job.seed}`);
  return parts.join("/");
}

const splitCache = new Map<string, Split>();
let trackerCache: { uri: string; tracker: Tracker } | undefined;

/** Runs one study job in this process: loads the data and split (cached), fits, logs the run. */
export async function runStudyJob(
  context: StudyContext,
  job: StudyJob,
  progress: (event: ProgressEvent) => void,
): Promise<FitResult> {
  const { name, ...datasetOptions } = context.dataset;
  // validateStudy already reported the dataset's warnings and notes once; every job would repeat them.
  const dataset = await loadDataset(name, { ...datasetOptions, onNotice: () => {} });
  const splitOptions: SplitOptions = { ...context.split, seed: job.splitSeed };
  const splitKey = canonicalJson([name, datasetOptions, splitOptions]);
  let split = splitCache.get(splitKey);
  if (!split) {
    split = makeSplit(dataset, splitOptions);
    splitCache.set(splitKey, split);
  }
  if (trackerCache?.uri !== context.store)
    trackerCache = { uri: context.store, tracker: await openTracker({ store: context.store }) };
  const system = job.module ? await loadSystemModule(job.module.path) : undefined;
  if (system && job.module && system.hash !== job.module.hash) {
    throw new StudyError(
      `system module ${job.module.path} changed while the study ran; run the study again to fit the new version`,
    );
  }
  return fitSystem({
    kind: system?.definition ?? job.kind,
    ...(system ? { module: { path: system.path, hash: system.hash } } : {}),
    system: job.system,
    params: job.params,
    dataset,
    datasetOptions,
    split,
    splitOptions,
    seed: job.seed,
    ...(job.labelled !== undefined ? { labelled: job.labelled } : {}),
    scoreTest: job.scoreTest,
    tracker: trackerCache.tracker,
    ...(context.git ? { git: context.git } : {}),
    experiment: context.experiment,
    name: jobRunName(job),
    tags: {
      study: context.study,
      stage: job.stage,
      job: job.key,
      ...(job.trial !== undefined ? { trial: String(job.trial + 1) } : {}),
      ...(job.family ? { family: job.family } : {}),
      ...(job.kbState ? { kb_state: job.kbState } : {}),
    },
    progress,
  });
}
