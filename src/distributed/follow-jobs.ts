import { setTimeout as sleep } from "node:timers/promises";
import type { JobExecutor } from "../study/run-study.js";
import type { JobOutcome } from "../study/worker-pool.js";
import { queueJobState, settledOutcome } from "./job-outcome.js";
import { readJobProgress } from "./job-progress.js";
import type { QueueClient } from "./open-queue.js";
import { type DependentsPlan, queuedStudyJob, queueJobId, STUDY_QUEUE } from "./queue-job.js";
import {
  countSubmission,
  type SubmitOptions,
  type SubmitOutcome,
  type SubmitReport,
  submitStudyJobs,
} from "./submit-jobs.js";

/** How a submitter follows its jobs. */
export interface FollowOptions extends SubmitOptions {
  /** The run store URI the jobs carry. */
  store: string;
  /**
   * How often the queue is read while jobs of the phase still wait in it (default 1 s); once none waits,
   * a tenth of that, since the next phase (or the study's end) waits for the last job to be seen done.
   */
  pollMs?: number;
  /** Told what each phase's submission did. */
  onSubmitted?: (report: SubmitReport) => void;
  /** Told once when nothing has started for a while (no worker serves the queue). */
  onIdle?: () => void;
  /** Lets workers enqueue dependent jobs themselves (see `enqueueDependents`). */
  dependents?: DependentsPlan;
  /**
   * Jobs this submitter already submitted ahead of their phase (see `submitStudy`), by queue id: their
   * phase counts them as that submission did and does not submit them again (a job that has failed
   * meanwhile is that phase's outcome, not one to try afresh).
   */
  presubmitted?: ReadonlyMap<string, SubmitOutcome>;
}

const IDLE_NOTICE_MS = 15_000;

/**
 * A study executor that enqueues each phase's jobs (one per unit of work, keyed by its resume key) and
 * follows them in the queue until every one has settled: started, progress (as workers report it, e.g.
 * epoch k/n), done, failed for good.
 */
export function queueExecutor(boss: QueueClient, options: FollowOptions): JobExecutor {
  return async (jobs, pool) => {
    const outcomes = new Map<string, JobOutcome>();
    if (jobs.length === 0) return outcomes;
    const byId = new Map(jobs.map((job) => [queueJobId(pool.context.study, job.key), job]));
    const ahead = [...byId.keys()].filter((id) => options.presubmitted?.has(id));
    const payloads = [...byId]
      .filter(([id]) => !options.presubmitted?.has(id))
      .map(([, job]) => queuedStudyJob(pool.context, job, options.store, options.dependents));
    const report = await submitStudyJobs(boss, payloads, options);
    for (const id of ahead) countSubmission(report, id, options.presubmitted?.get(id) ?? "present");
    options.onSubmitted?.(report);
    const started = new Set<string>();
    const lastProgress = new Map<string, string>();
    const since = Date.now();
    let idleTold = false;
    while (outcomes.size < jobs.length) {
      const rows = await boss.findJobs(STUDY_QUEUE, { data: { study: pool.context.study }, limit: 100_000 });
      const running = rows.some((row) => row.state === "active" && byId.has(row.id));
      const waiting = rows.some((row) => queueJobState(row.state) === "queued" && byId.has(row.id));
      const progress =
        running && pool.onProgress ? await readJobProgress(boss, pool.context.study) : undefined;
      for (const row of rows) {
        const job = byId.get(row.id);
        if (!job || outcomes.has(job.key)) continue;
        const state = queueJobState(row.state);
        if (state !== "queued" && !started.has(job.key)) {
          started.add(job.key);
          pool.onStart?.(job);
        }
        const event = state === "running" ? progress?.get(row.id) : undefined;
        if (event && lastProgress.get(row.id) !== JSON.stringify(event)) {
          lastProgress.set(row.id, JSON.stringify(event));
          pool.onProgress?.(job, event);
        }
        const outcome = settledOutcome(state, row.output);
        if (outcome) {
          outcomes.set(job.key, outcome);
          pool.onSettled?.(job, outcome);
        }
      }
      for (const [id, job] of byId) {
        if (outcomes.has(job.key) || rows.some((row) => row.id === id)) continue;
        const outcome: JobOutcome = {
          ok: false,
          message: "the job left the queue unfinished",
          userError: true,
        };
        outcomes.set(job.key, outcome);
        pool.onSettled?.(job, outcome);
      }
      if (!idleTold && started.size === 0 && Date.now() - since > IDLE_NOTICE_MS) {
        idleTold = true;
        options.onIdle?.();
      }
      // While jobs wait, workers take them without the submitter; once none waits, the submitter's
      // look is what ends the phase, so it looks more often (each look reads the phase's rows).
      const pollMs = options.pollMs ?? 1000;
      if (outcomes.size < jobs.length) await sleep(waiting ? pollMs : pollMs / 10);
    }
    return outcomes;
  };
}
