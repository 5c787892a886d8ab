import type { DatasetOptions } from "../data/types.js";
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

/** A dataset to load ahead of the jobs that use it: its name and how it is loaded. */
export interface WarmDataset {
  name: string;
  options: DatasetOptions;
}

/**
 * Parent → worker: load these system kinds now, and start TensorFlow.js for those that train with it,
 * then load these datasets (kept in memory for the jobs that name them), so that a long-lived worker's
 * first job does not pay for it. Jobs sent meanwhile wait for it.
 */
export interface WarmMessage {
  type: "warm";
  kinds: string[];
  datasets?: WarmDataset[];
}

/** Worker → parent messages. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "warm"; ok: boolean; datasets: string[] }
  | { type: "progress"; key: string; event: ProgressEvent }
  | { type: "done"; key: string; result: FitResult }
  | { type: "failed"; key: string; message: string; userError: boolean };
