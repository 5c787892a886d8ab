import type { ProgressEvent } from "../systems/system.js";
import type { FitResult } from "../study/fit-system.js";
import type { StudyJob } from "../study/plan.js";
import type { StudyContext } from "../study/run-job.js";
import type { JobMessage, WarmDataset, WarmMessage, WorkerMessage } from "../study/worker-protocol.js";
import { spawnStudyWorker } from "../study/spawn-study-worker.js";

/** A fit that failed in the fitting process: a user error keeps its one-line message and its name. */
export class FitFailure extends Error {
  constructor(
    message: string,
    /** The error's class name in the fitting process (`ModelError`, `StudyError`, or `Error` for a bug). */
    readonly errorName: string,
  ) {
    super(message);
    this.name = errorName;
  }
}

/** A process that fits study jobs one at a time: the local study runner's worker (study/worker-main). */
export interface FitProcess {
  /** Fits one job there; rejects with a `FitFailure` when it fails or the process dies meanwhile. */
  fit(context: StudyContext, job: StudyJob, progress: (event: ProgressEvent) => void): Promise<FitResult>;
  /** Sends the process a signal (its live run records `killed`) and resolves when it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** False once the process has exited. */
  alive(): Promise<boolean>;
  /** Lets the process end once idle. */
  close(): void;
  /** True when the process loaded every system kind it was told to warm up (see `startFitProcess`). */
  readonly warmed: boolean;
  /** The names of the datasets it loaded ahead of its jobs. */
  readonly preloaded: readonly string[];
}

/**
 * Starts a fitting process. Fitting runs there, not in the queue worker, so that the worker's event
 * loop stays free for the queue's heartbeats while a training step or an index build holds the CPU.
 * Killing the machine (both processes) leaves the run `crashed`; the queue retries the job elsewhere.
 * With `warm`, it resolves once the process has also loaded those system kinds, and with `datasets`
 * those datasets (see `WarmMessage`).
 */
export async function startFitProcess(
  warm: readonly string[] = [],
  datasets: readonly WarmDataset[] = [],
): Promise<FitProcess> {
  const child = spawnStudyWorker();
  let exited = false;
  const exit = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = true;
      resolve(signal ?? `code ${code}`);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.once("message", (message: WorkerMessage) => (message.type === "ready" ? resolve() : undefined));
    void exit.then((how) => reject(new Error(`the fitting process exited (${how}) as it started`)));
  });
  let warmed = warm.length === 0;
  let preloaded: readonly string[] = [];
  if (warm.length > 0 || datasets.length > 0) {
    // A process that fails to warm up (or exits meanwhile) is not waited for: its first job reports why.
    let onWarm: (message: WorkerMessage) => void = () => {};
    const warmUp = new Promise<{ ok: boolean; datasets: string[] }>((resolve) => {
      onWarm = (message) => (message.type === "warm" ? resolve(message) : undefined);
      child.on("message", onWarm);
      void exit.then(() => resolve({ ok: false, datasets: [] }));
    });
    const message: WarmMessage = { type: "warm", kinds: [...warm], datasets: [...datasets] };
    child.send(message);
    const answer = await warmUp;
    warmed = answer.ok;
    preloaded = answer.datasets;
    child.off("message", onWarm);
  }
  let busy = false;
  return {
    fit(context, job, progress) {
      if (busy) return Promise.reject(new Error("the fitting process is busy"));
      if (exited) return Promise.reject(new FitFailure("the fitting process has exited", "Error"));
      busy = true;
      return new Promise<FitResult>((resolve, reject) => {
        const onMessage = (message: WorkerMessage) => {
          if (message.type === "progress" && message.key === job.key) progress(message.event);
          if (message.type === "done" && message.key === job.key) settle(() => resolve(message.result));
          if (message.type === "failed" && message.key === job.key) {
            const name = message.userError ? "ModelError" : "Error";
            settle(() => reject(new FitFailure(message.message, name)));
          }
        };
        const settle = (then: () => void) => {
          busy = false;
          child.off("message", onMessage);
          then();
        };
        child.on("message", onMessage);
        void exit.then((how) =>
          settle(() => reject(new FitFailure(`the fitting process exited (${how}) during the job`, "Error"))),
        );
        const message: JobMessage = { type: "job", context, job };
        child.send(message);
      });
    },
    async kill(signal) {
      if (!exited) child.kill(signal);
      await exit;
    },
    async alive() {
      return !exited;
    },
    close() {
      if (!exited && child.connected) child.disconnect();
    },
    warmed,
    preloaded,
  };
}
