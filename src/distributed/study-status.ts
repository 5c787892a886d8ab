import { jobRunName } from "../study/run-job.js";
import type { ProgressEvent } from "../systems/system.js";
import { jobOf } from "../tracker/records/run-tags.js";
import { openTracker } from "../tracker/tracker.js";
import { failureMessage, type QueueJobState, queueJobState } from "./job-outcome.js";
import { readJobProgress } from "./job-progress.js";
import type { QueueClient } from "./open-queue.js";
import { readQueuedStudyJob, STUDY_QUEUE } from "./queue-job.js";

/** One job of a study as the queue and the store see it. */
export interface StudyJobStatus {
  key: string;
  /** The run name of the job (system, trial, size, seed). */
  name: string;
  state: QueueJobState;
  /** Attempts made so far (1 = the first). */
  attempts: number;
  /** For a running job: the host and pid of the worker whose run is live, and that run's id. */
  host?: string;
  pid?: number;
  runId?: string;
  /** For a running job: the latest progress its worker reported (phase, epoch k of n, steps). */
  progress?: ProgressEvent;
  /** For a done job: its run; for a failed one: the last error's first line. */
  message?: string;
}

/** A study's jobs in the queue, counted by state. */
export interface StudyStatus {
  study: string;
  counts: Record<QueueJobState, number>;
  jobs: StudyJobStatus[];
}

/**
 * The jobs of a study in the queue (done, running and on which host, retrying, failed, queued): states
 * from the queue, hosts from the live runs in the store (a run records its host and pid), progress of
 * running jobs from what their workers report.
 */
export async function studyStatus(boss: QueueClient, study: string, store: string): Promise<StudyStatus> {
  const rows = await boss.findJobs(STUDY_QUEUE, { data: { study }, limit: 100_000 });
  const progress = rows.some((row) => row.state === "active")
    ? await readJobProgress(boss, study)
    : new Map<string, ProgressEvent>();
  const tracker = await openTracker({ store });
  const live = new Map<string, { host: string; pid: number; runId: string }>();
  try {
    for (const run of await tracker.runs({ experiment: study })) {
      const key = jobOf(run);
      if (key !== undefined && run.status === "running")
        live.set(key, { host: run.env.hostname, pid: run.env.pid, runId: run.id });
    }
  } finally {
    await tracker.close();
  }
  const counts: Record<QueueJobState, number> = {
    queued: 0,
    running: 0,
    retrying: 0,
    done: 0,
    failed: 0,
    cancelled: 0,
  };
  const jobs: StudyJobStatus[] = [];
  for (const row of rows) {
    const payload = readQueuedStudyJob(row.data);
    if (!payload) continue;
    const state = queueJobState(row.state);
    counts[state]++;
    const status: StudyJobStatus = {
      key: payload.job.key,
      name: jobRunName(payload.job),
      state,
      attempts: row.retryCount + (state === "queued" || state === "retrying" ? 0 : 1),
    };
    const run = live.get(payload.job.key);
    if (state === "running" && run) Object.assign(status, run);
    const event = state === "running" ? progress.get(row.id) : undefined;
    if (event) status.progress = event;
    if (state === "done") {
      const runId = (row.output as { runId?: unknown } | null)?.runId;
      if (typeof runId === "string") status.runId = runId;
    }
    if (state === "failed" || state === "retrying")
      status.message = failureMessage(row.output).message.split("\n")[0] ?? "";
    jobs.push(status);
  }
  return { study, counts, jobs };
}
