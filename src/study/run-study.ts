import { cpus } from "node:os";
import { relative } from "node:path";
import { makeSplit } from "../data/split.js";
import type { ProgressEvent } from "../systems/system.js";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { gitState } from "../tracker/environment.js";
import { pidAlive } from "../tracker/liveness.js";
import { duplicateOf, jobOf, runTag } from "../tracker/records/run-tags.js";
import { studyRecordArtifact, writeStudyRecord } from "../tracker/records/study-record.js";
import { resolveStoreUri } from "../tracker/store/open-run-store.js";
import { openTracker, type Tracker } from "../tracker/tracker.js";
import type { JsonValue, RunRecord } from "../tracker/types.js";
import { StudyError } from "../util/errors.js";
import type { LoadedStudy } from "./load-study.js";
import {
  checkSelection,
  makeJob,
  type PlanOptions,
  planFirstPhase,
  planLinkedPhase,
  type StudyJob,
  studySeeds,
  studySystems,
  splitSeedFor,
} from "./plan.js";
import { studyJobContext } from "./run-job.js";
import { selectTrials, type TrialSelection } from "./select-trials.js";
import { acquireStudyLock } from "./study-lock.js";
import { longestJobsFirst } from "./job-cost.js";
import { StudyWorkerPool } from "./study-worker-pool.js";
import { type JobOutcome, type PoolOptions, runJobsInWorkers } from "./worker-pool.js";

/** Artifact of the study-stage run: the definition, the data and splits, and the commands to rerun. */
export const studyArtifact = studyRecordArtifact;

/** Hooks for progress bars and log lines. */
export interface StudyProgress {
  onJobStart?: (job: StudyJob) => void;
  onJobProgress?: (job: StudyJob, event: ProgressEvent) => void;
  onJobSettled?: (job: StudyJob, outcome: JobOutcome) => void;
  onPhase?: (phase: string, total: number, reused: number) => void;
}

/** How to run a study. */
export interface RunStudyOptions extends PlanOptions {
  /** The run store's URI: a folder, `file:` or `postgres://` (default: env EXPBOOK_STORE, else .expbook). */
  store?: string;
  /** Alias of `store` (a store folder), kept for older code. */
  storeDir?: string;
  /** Worker processes (default: the number of CPU cores). */
  workers?: number;
  progress?: StudyProgress;
  /** The command line to record for rerunning the study. */
  command?: string;
  /**
   * Runs each phase's jobs elsewhere instead of in local worker processes (`expbook run --distributed`:
   * a job queue that workers on other machines serve). Runs of this study live in other processes
   * then, so none is stopped as an orphan.
   */
  executor?: JobExecutor;
}

/** Runs a phase's jobs and resolves with each job's outcome (by job key) once all have settled. */
export type JobExecutor = (
  jobs: readonly StudyJob[],
  options: PoolOptions,
) => Promise<Map<string, JobOutcome>>;

/** What a study run did. */
export interface StudyOutcome {
  experiment: string;
  studyRunId: string;
  seeds: number[];
  planned: number;
  reused: number;
  ran: number;
  failed: Array<{ job: StudyJob; message: string; userError: boolean }>;
  selections: TrialSelection[];
}

function selectMetric(loaded: LoadedStudy): string {
  return loaded.study.select ?? (loaded.dataset.task === "regression" ? "val_mae" : "val_f1");
}

/** The phase name of runs that build on other runs and start as soon as those have finished. */
export const linkedEarlyPhase = "runs that build on other runs, as their runs finish";

/** Tag of a finished run that repeats an earlier finished run of the same job (value: that run's id). */
export const DUPLICATE_TAG = runTag.duplicateOf;

/** The finished run of each job key: the oldest one (later ones are duplicates). */
function finishedJobRuns(runs: readonly RunRecord[]): Map<string, RunRecord> {
  const byJob = new Map<string, RunRecord>();
  const oldestFirst = [...runs].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  for (const run of oldestFirst) {
    const key = jobOf(run);
    if (run.status !== "finished" || key === undefined || duplicateOf(run) !== undefined) continue;
    if (!byJob.has(key)) byJob.set(key, run);
  }
  return byJob;
}

/**
 * Tags every finished run that repeats an earlier finished run of the same job as a duplicate (which
 * resumes and reports ignore). Returns how many were tagged.
 */
async function markDuplicates(tracker: Tracker, experiment: string): Promise<number> {
  const runs = await tracker.runs({ experiment });
  const kept = finishedJobRuns(runs);
  let marked = 0;
  for (const run of runs) {
    const key = jobOf(run);
    if (run.status !== "finished" || key === undefined || duplicateOf(run) !== undefined) continue;
    const first = kept.get(key);
    if (first === undefined || first.id === run.id) continue;
    await tracker.tagFinished(run.id, { [DUPLICATE_TAG]: first.id });
    marked++;
  }
  return marked;
}

/**
 * Waits for runs of this study still live in other processes on this host: the workers of an earlier
 * execution that was killed (this process now holds the study lock, so no one else runs the study).
 * They stop by themselves, at once or, stuck in synchronous work, after the watchdog's grace and the
 * recording of their runs as killed (see parent-watchdog.ts): about 5 s at most. Any left are stopped.
 */
async function stopOrphans(tracker: Tracker, experiment: string): Promise<void> {
  const orphans = async () =>
    (await tracker.runs({ experiment })).filter(
      (run) => run.status === "running" && run.env.hostname === hostname() && run.env.pid !== process.pid,
    );
  for (let waited = 0; waited < 6_000; waited += 100) {
    if ((await orphans()).length === 0) return;
    await sleep(100);
  }
  for (const run of await orphans()) {
    if (!pidAlive(run.env.pid, run.env.pidStart)) continue;
    try {
      process.kill(run.env.pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * Takes the lock that lets one process at a time run a study on a store: the study lock file for a
 * store with a local folder, else the store's own named lock. Throws a `StudyError` naming the holder.
 */
async function takeStudyLock(tracker: Tracker, study: string): Promise<() => Promise<void>> {
  if (tracker.dir !== undefined) {
    const release = acquireStudyLock(tracker.dir, study);
    return async () => release();
  }
  const lock = await tracker.store.lock(`study-${study}`);
  if ("heldBy" in lock) {
    throw new StudyError(
      `study ${study} is already running on the store ${tracker.uri} (${lock.heldBy}); wait for it to finish`,
    );
  }
  return lock.release;
}

/**
 * Runs a study: every system × seed (× sweep trial × labelled size) in worker processes, selects each
 * swept system's configuration on validation data only, then evaluates the selected configuration on
 * the test set. Every run is logged under the study's experiment. Work already finished in the store
 * (same job key) is reused, so an interrupted study resumes where it stopped.
 */
export async function runStudy(loaded: LoadedStudy, options: RunStudyOptions): Promise<StudyOutcome> {
  const { study } = loaded;
  checkSelection(study, options);
  const seeds = studySeeds(study, options);
  // Workers get the URI as given (tracker.uri hides a database password they need).
  const storeUri = resolveStoreUri(options.store ?? options.storeDir);
  const tracker = await openTracker({ store: storeUri });
  const release = await takeStudyLock(tracker, study.name);
  // The local workers serve every phase of the study, not one each.
  const pool = options.executor ? undefined : new StudyWorkerPool();
  try {
    if (!options.executor) await stopOrphans(tracker, study.name);
    return await runLocked(loaded, options, tracker, storeUri, seeds, pool);
  } finally {
    pool?.close();
    await release();
  }
}

async function runLocked(
  loaded: LoadedStudy,
  options: RunStudyOptions,
  tracker: Tracker,
  storeUri: string,
  seeds: number[],
  pool: StudyWorkerPool | undefined,
): Promise<StudyOutcome> {
  const { study, dataset } = loaded;
  const context = studyJobContext(loaded, storeUri);
  const done = finishedJobRuns(await tracker.runs({ experiment: study.name }));
  const workers = options.workers ?? cpus().length;
  const firstPlanned = planFirstPhase(study, options);
  // The first phase's workers start while the study run, its splits and its record are written.
  pool?.prestart(Math.min(workers, firstPlanned.filter((job) => !done.has(job.key)).length));
  const studyRun = await tracker.startRun({
    experiment: study.name,
    name: "study",
    params: { quick: options.quick ?? false, seeds, only: options.only ?? [], workers: options.workers ?? 0 },
    tags: { stage: "study", study: study.name },
    datasetFingerprint: dataset.fingerprint,
  });
  // The study run's git state (git was just asked, and answers are kept a few seconds) goes to every job.
  context.git = gitState();
  const splitSeeds = [...new Set(seeds.map((seed) => splitSeedFor(study, seed)))];
  const splits = splitSeeds.map((seed) => ({
    seed,
    info: makeSplit(dataset, { ...context.split, seed }).info,
  }));
  const flags = [
    options.quick ? "--quick" : "",
    options.seeds !== undefined ? `--seeds ${options.seeds}` : "",
    options.only?.length ? `--only ${options.only.join(",")}` : "",
  ].filter(Boolean);
  const studyPath = relative(process.cwd(), loaded.path) || loaded.path;
  await writeStudyRecord(studyRun, {
    study,
    dataset: {
      name: dataset.name,
      task: dataset.task,
      rows: dataset.rows.length,
      labels: dataset.labels,
      fingerprint: dataset.fingerprint,
      source: dataset.source,
    },
    splits: splits.map((split) => ({ seed: split.seed, info: { ...split.info } })),
    commands: [
      options.command ?? ["npx expbook run", studyPath, ...flags].join(" "),
      `npx expbook report ${studyPath}`,
    ],
  });
  const outcome: StudyOutcome = {
    experiment: study.name,
    studyRunId: studyRun.id,
    seeds,
    planned: 0,
    reused: 0,
    ran: 0,
    failed: [],
    selections: [],
  };
  const summaries = new Map<string, Record<string, number | string | boolean>>();
  const runIds = new Map<string, string>();

  const runIdOf = (job: StudyJob) => runIds.get(job.key) ?? done.get(job.key)?.id;
  // Linked jobs (runs that build on other runs) already planned: with local workers each starts as soon
  // as the runs it references have finished, beside the phase's other jobs.
  const linkedPlanned = new Set<string>();
  const newlyReadyLinked = (): StudyJob[] => {
    if (options.executor) return [];
    const ready = planLinkedPhase(study, options, runIdOf).flatMap(({ job, missing }) =>
      missing === undefined && !linkedPlanned.has(job.key) ? [job] : [],
    );
    for (const job of ready) linkedPlanned.add(job.key);
    return ready;
  };
  /** Records reused runs among `jobs` (already finished in the store) and returns the others. */
  const notDone = (jobs: readonly StudyJob[]): StudyJob[] =>
    jobs.filter((job) => {
      const previous = done.get(job.key);
      if (previous) {
        summaries.set(job.key, previous.summary);
        runIds.set(job.key, previous.id);
      }
      return !previous;
    });

  const runPhase = async (phase: string, jobs: StudyJob[]) => {
    outcome.planned += jobs.length;
    const todo = notDone(jobs);
    outcome.reused += jobs.length - todo.length;
    options.progress?.onPhase?.(phase, jobs.length, jobs.length - todo.length);
    // Linked jobs that become ready as this phase's runs finish; reused ones may make more ready.
    const followUps = (job: StudyJob, result: JobOutcome): StudyJob[] => {
      if (!result.ok) return [];
      runIds.set(job.key, result.result.runId);
      const fresh: StudyJob[] = [];
      for (let ready = newlyReadyLinked(); ready.length > 0; ready = newlyReadyLinked()) {
        const ahead = notDone(ready);
        outcome.planned += ready.length;
        outcome.reused += ready.length - ahead.length;
        options.progress?.onPhase?.(linkedEarlyPhase, ready.length, ready.length - ahead.length);
        fresh.push(...ahead);
      }
      todo.push(...fresh);
      return fresh;
    };
    const results = await (options.executor ?? runJobsInWorkers)(longestJobsFirst(todo), {
      context,
      workers,
      ...(options.progress?.onJobStart ? { onStart: options.progress.onJobStart } : {}),
      ...(options.progress?.onJobProgress ? { onProgress: options.progress.onJobProgress } : {}),
      ...(options.progress?.onJobSettled ? { onSettled: options.progress.onJobSettled } : {}),
      ...(options.executor ? {} : { followUps }),
      ...(pool ? { pool } : {}),
    });
    for (const job of todo) {
      const result = results.get(job.key);
      if (result?.ok) {
        outcome.ran++;
        summaries.set(job.key, result.result.summary);
        runIds.set(job.key, result.result.runId);
      } else {
        outcome.failed.push({
          job,
          message: result?.message ?? "not run",
          userError: result?.userError ?? true,
        });
      }
    }
  };

  try {
    // Linked jobs whose referenced runs are already in the store start with the first phase.
    const first = [...firstPlanned, ...newlyReadyLinked()];
    await runPhase("runs", first);
    const metric = selectMetric(loaded);
    const metricOfJob = (job: StudyJob) => {
      const value = summaries.get(job.key)?.[metric];
      return typeof value === "number" ? value : undefined;
    };
    outcome.selections = selectTrials(
      first.filter((job) => job.stage === "trial"),
      metricOfJob,
      metric,
    );
    const finals = outcome.selections.flatMap((selection) => {
      const system = studySystems(study, options).find((candidate) => candidate.name === selection.system);
      if (!system) return [];
      return seeds.map((seed) =>
        makeJob(study, system, options, {
          seed,
          ...(selection.labelled !== undefined ? { labelled: selection.labelled } : {}),
          trial: selection.trial,
          trialParams: selection.trialParams,
          stage: "final",
        }),
      );
    });
    await runPhase("selected configurations on test", finals);
    // Systems that build on other runs (e.g. RAG over a fine-tuned run's embedding) go last.
    const linked = planLinkedPhase(study, options, runIdOf).filter(({ job }) => !linkedPlanned.has(job.key));
    const blocked = linked.flatMap(({ job, missing }) => (missing === undefined ? [] : [{ job, missing }]));
    if (blocked.length > 0)
      options.progress?.onPhase?.("runs whose referenced run is missing", blocked.length, 0);
    for (const { job, missing } of blocked) {
      outcome.planned++;
      outcome.failed.push({ job, message: missing, userError: true });
      options.progress?.onJobSettled?.(job, { ok: false, message: missing, userError: true });
    }
    const ready = linked.flatMap(({ job, missing }) => (missing === undefined ? [job] : []));
    if (ready.length > 0) await runPhase("runs that build on other runs", ready);
    studyRun.summary({
      planned: outcome.planned,
      reused: outcome.reused,
      ran: outcome.ran,
      failed: outcome.failed.length,
    });
    await studyRun.artifact("selections.json", outcome.selections as unknown as JsonValue);
    const duplicates = await markDuplicates(tracker, study.name);
    if (duplicates > 0) studyRun.summary({ duplicates });
    if (outcome.failed.length > 0) await studyRun.fail(new Error(`${outcome.failed.length} run(s) failed`));
    else await studyRun.finish();
    return outcome;
  } catch (error) {
    await studyRun.fail(error);
    throw error;
  } finally {
    await tracker.close();
  }
}
