import { type ChildProcess, fork } from "node:child_process";
import type { ProgressEvent } from "../systems/system.js";
import type { FitResult } from "./fit-system.js";
import type { StudyJob } from "./plan.js";
import type { StudyContext } from "./run-job.js";
import type { JobMessage, WorkerMessage } from "./worker-protocol.js";

/** How one job ended. */
export type JobOutcome = { ok: true; result: FitResult } | { ok: false; message: string; userError: boolean };

/** Callbacks and limits of a pool run. */
export interface PoolOptions {
  context: StudyContext;
  workers: number;
  onStart?: (job: StudyJob) => void;
  onProgress?: (job: StudyJob, event: ProgressEvent) => void;
  onSettled?: (job: StudyJob, outcome: JobOutcome) => void;
}

function spawnWorker(): ChildProcess {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "./worker-main.ts" : "./worker-main.js", import.meta.url);
  const execArgv = fromSource ? ["--import", import.meta.resolve("tsx")] : [];
  return fork(entry.pathname, [], { execArgv, stdio: ["ignore", "ignore", "inherit", "ipc"] });
}

/**
 * Runs jobs on `workers` child processes (one job per process at a time) and resolves when all have
 * settled. A worker that dies fails its job and is replaced. Jobs run in the order given.
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
    const settle = (job: StudyJob, outcome: JobOutcome) => {
      if (outcomes.has(job.key)) return;
      outcomes.set(job.key, outcome);
      options.onSettled?.(job, outcome);
    };
    const startWorker = () => {
      const child = spawnWorker();
      live++;
      let current: StudyJob | undefined;
      const next = () => {
        current = queue.shift();
        if (!current) {
          child.disconnect();
          return;
        }
        options.onStart?.(current);
        const message: JobMessage = { type: "job", context: options.context, job: current };
        child.send(message);
      };
      child.on("message", (message: WorkerMessage) => {
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
      });
      child.on("exit", (code, signal) => {
        live--;
        if (current && !outcomes.has(current.key)) {
          settle(current, {
            ok: false,
            message: `worker process exited (${signal ?? `code ${code}`}) while running it`,
            userError: false,
          });
          if (queue.length > 0 && !signal) startWorker();
        }
        if (live === 0) {
          for (const job of queue.splice(0))
            settle(job, { ok: false, message: "not run: the study was stopped", userError: true });
          resolve(outcomes);
        }
      });
    };
    for (let i = 0; i < workerCount; i++) startWorker();
  });
}
