import type { ProgressEvent } from "../systems/system.js";
import type { FitResult } from "./fit-system.js";
import type { StudyJob } from "./plan.js";
import type { StudyContext } from "./run-job.js";

/** Parent → worker: run this job. */
export interface JobMessage {
  type: "job";
  context: StudyContext;
  job: StudyJob;
}

/**
 * Parent → worker: load these system kinds now, and start TensorFlow.js for those that train with it,
 * so that a long-lived worker's first job does not pay for it. Jobs sent meanwhile wait for it.
 */
export interface WarmMessage {
  type: "warm";
  kinds: string[];
}

/** Worker → parent messages. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "warm"; ok: boolean }
  | { type: "progress"; key: string; event: ProgressEvent }
  | { type: "done"; key: string; result: FitResult }
  | { type: "failed"; key: string; message: string; userError: boolean };
