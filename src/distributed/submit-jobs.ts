import type { QueueClient } from "./open-queue.js";
import { type QueuedStudyJob, queueJobId, STUDY_QUEUE } from "./queue-job.js";

/** How submitted jobs are retried. */
export interface SubmitOptions {
  /** Attempts after the first one failed (a failing fit, a dead worker). */
  retryLimit: number;
  /** See `OpenQueueOptions.heartbeatSeconds`. */
  heartbeatSeconds: number;
}

/** What a submission did with one job. */
export type SubmitOutcome = "added" | "present" | "resubmitted";

/** What a submission did. */
export interface SubmitReport {
  /** Jobs enqueued now. */
  added: number;
  /** Jobs already queued, running or done (nothing enqueued). */
  present: number;
  /** Jobs that had failed or been cancelled and were enqueued again. */
  resubmitted: number;
  /** What was done with each job, by queue id. */
  byId: Map<string, SubmitOutcome>;
}

// A fine-tuning job on a loaded machine can take long; the heartbeat, not this, catches dead workers.
const EXPIRE_SECONDS = 24 * 60 * 60;

/** The queue options every study job is sent with: retries with backoff, the heartbeat limit. */
export function jobSendOptions(options: SubmitOptions) {
  return {
    retryLimit: options.retryLimit,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    heartbeatSeconds: options.heartbeatSeconds,
    expireInSeconds: EXPIRE_SECONDS,
  };
}

/**
 * Enqueues study jobs under ids made from their resume keys, so a job already in the queue (queued,
 * running or done) is not added again. A job that failed for good is enqueued afresh: a new submission
 * means "try again" (the study only submits units of work without a finished run).
 */
export async function submitStudyJobs(
  boss: QueueClient,
  payloads: readonly QueuedStudyJob[],
  options: SubmitOptions,
): Promise<SubmitReport> {
  const report: SubmitReport = { added: 0, present: 0, resubmitted: 0, byId: new Map() };
  const sendOptions = jobSendOptions(options);
  for (const payload of payloads) {
    const id = queueJobId(payload.study, payload.job.key);
    countSubmission(report, id, await submitOne(boss, id, payload as unknown as object, sendOptions));
  }
  return report;
}

/** Adds how one job was submitted to a report. */
export function countSubmission(report: SubmitReport, id: string, outcome: SubmitOutcome): void {
  report[outcome]++;
  report.byId.set(id, outcome);
}

async function submitOne(
  boss: QueueClient,
  id: string,
  data: object,
  sendOptions: ReturnType<typeof jobSendOptions>,
): Promise<SubmitOutcome> {
  if ((await boss.send(STUDY_QUEUE, data, { ...sendOptions, id })) !== null) return "added";
  const [existing] = await boss.findJobs(STUDY_QUEUE, { id });
  if (existing && (existing.state === "failed" || existing.state === "cancelled")) {
    await boss.deleteJob(STUDY_QUEUE, id);
    if ((await boss.send(STUDY_QUEUE, data, { ...sendOptions, id })) !== null) return "resubmitted";
  }
  return "present";
}
