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

/** Worker → parent messages. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "progress"; key: string; event: ProgressEvent }
  | { type: "done"; key: string; result: FitResult }
  | { type: "failed"; key: string; message: string; userError: boolean };
