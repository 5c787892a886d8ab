import type { ProgressEvent } from "../systems/system.js";
import type { FitResult } from "./fit-system.js";
import { expectedJobCost } from "./job-cost.js";
import type { StudyJob } from "./plan.js";
import type { StudyContext } from "./run-job.js";
import type { JobMessage, WorkerMessage } from "./worker-protocol.js";
import { spawnStudyWorker } from "./spawn-study-worker.js";
import type { PooledWorker, StudyWorkerPool } from "./study-worker-pool.js";

/** How one job ended. */
export type JobOutcome = { ok: true; result: FitResult } | { ok: false; message: string; userError: boolean };

/** Callbacks and limits of a pool run. */
export interface PoolOptions {
  context: StudyContext;
  workers: number;
  onStart?: (job: StudyJob) => void;
  onProgress?: (job: StudyJob, event: ProgressEvent) => void;
  onSettled?: (job: StudyJob, outcome: JobOutcome) => void;
  /**
   * Jobs that become ready when `job` settles (e.g. runs that build on its run): queued by expected
   * cost among the waiting jobs, so a worker that would otherwise wait for the others picks them up.
   */
  followUps?: (job: StudyJob, outcome: JobOutcome) => readonly StudyJob[];
  /**
   * Where the workers come from and go back to when the jobs are done (to serve the study's next
   * phase); without one, each run starts its own and stops them at the end.
   */
  pool?: StudyWorkerPool;
}

/** Puts a job into a queue ordered by expected cost, longest first, after jobs of the same cost. */
function enqueueByCost(queue: StudyJob[], job: StudyJob): void {
  const cost = expectedJobCost(job);
  const at = queue.findIndex((queued) => expectedJobCost(queued) < cost);
  queue.splice(at < 0 ? queue.length : at, 0, job);
}

/**
 * Runs jobs on `workers` child processes (one job per process at a time) and resolves when all have
 * settled, follow-ups included. A worker that dies fails its job and is replaced. Jobs run in the order
 * given; follow-ups join the queue by expected cost. A worker with nothing to do waits while other jobs
 * run (they may bring follow-ups) and leaves when none is left.
 */
export function runJobsInWorkers(
  jobs: readonly StudyJob[],
  options: PoolOptions,
): Promise<Map<string, JobOutcome>> {
  const outcomes = new Map<string, JobOutcome>();
  const queue = [...jobs];
  const workerCount = Math.max(1, Math.min(options.workers, jobs.length));
  return new Promise((resolve) => {
    if (jobs.length === 0) return resolve(outcomes);
    let live = 0;
    let running = 0;
    const idle: Array<() => void> = [];
    const wakeIdle = () => {
      // Everyone idle and nothing queued: no job can bring more work, so the idle workers leave.
      for (const wake of idle.splice(0, queue.length > 0 ? queue.length : running === 0 ? idle.length : 0))
        wake();
    };
    const settle = (job: StudyJob, outcome: JobOutcome) => {
      if (outcomes.has(job.key)) return;
      outcomes.set(job.key, outcome);
      options.onSettled?.(job, outcome);
      for (const followUp of options.followUps?.(job, outcome) ?? []) {
        if (!outcomes.has(followUp.key) && !queue.some((queued) => queued.key === followUp.key))
          enqueueByCost(queue, followUp);
      }
    };
    const allSettled = () => {
      for (const job of queue.splice(0))
        settle(job, { ok: false, message: "not run: the study was stopped", userError: true });
      resolve(outcomes);
    };
    const startWorker = () => {
      const worker: PooledWorker = options.pool?.take() ?? { child: spawnStudyWorker(), ready: false };
      const { child } = worker;
      live++;
      let current: StudyJob | undefined;
      // Nothing left for this worker: back to the pool (it has left this run), or stopped (its exit says so).
      const leave = () => {
        const pool = options.pool;
        if (!pool) return child.disconnect();
        child.off("message", onMessage);
        child.off("exit", onExit);
        live--;
        pool.give(worker);
        if (live === 0) allSettled();
      };
      const next = () => {
        if (current) running--;
        current = queue.shift();
        if (!current) {
          if (running > 0) {
            idle.push(next);
          } else {
            leave();
            wakeIdle();
          }
          return;
        }
        running++;
        options.onStart?.(current);
        const message: JobMessage = { type: "job", context: options.context, job: current };
        child.send(message);
        wakeIdle();
      };
      const onMessage = (message: WorkerMessage) => {
        if (message.type === "ready") next();
        else if (message.type === "progress" && current) options.onProgress?.(current, message.event);
        else if ((message.type === "done" || message.type === "failed") && current) {
          settle(
            current,
            message.type === "done"
              ? { ok: true, result: message.result }
              : { ok: false, message: message.message, userError: message.userError },
          );
          next();
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        live--;
        const index = idle.indexOf(next);
        if (index >= 0) idle.splice(index, 1);
        if (current) {
          running--;
          const failed = current;
          current = undefined;
          if (!outcomes.has(failed.key)) {
            settle(failed, {
              ok: false,
              message: `worker process exited (${signal ?? `code ${code}`}) while running it`,
              userError: false,
            });
            if (queue.length > 0 && !signal) startWorker();
          }
          wakeIdle();
        }
        if (live === 0) allSettled();
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      // A worker from the pool that has already said it is ready takes its first job now.
      if (worker.ready) next();
    };
    for (let i = 0; i < workerCount; i++) startWorker();
  });
}
