import type { FitResult } from "../study/fit-system.js";
import type { JobOutcome } from "../study/worker-pool.js";

/** The error names of expbook's user errors (see util/errors.ts), as a worker's failed job records them. */
const USER_ERROR_NAME = /^(Expbook|Dataset|Split|Store|Study|Model|Record|Input|Dependency|Queue)Error$/;

/** How a job stands in the queue, in expbook's words. */
export type QueueJobState = "queued" | "running" | "retrying" | "done" | "failed" | "cancelled";

/** pg-boss job states → expbook's. */
export function queueJobState(state: string): QueueJobState {
  switch (state) {
    case "active":
      return "running";
    case "retry":
      return "retrying";
    case "completed":
      return "done";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
    default:
      return "queued";
  }
}

function isFitResult(output: unknown): output is FitResult {
  const value = output as Partial<FitResult> | null;
  return typeof value?.runId === "string" && typeof value.summary === "object" && value.summary !== null;
}

/** The message of a failed job's output (the error a worker threw, serialized by pg-boss). */
export function failureMessage(output: unknown): { message: string; userError: boolean } {
  const value = output as { message?: unknown; name?: unknown; value?: unknown } | null;
  if (typeof value?.message === "string") {
    const name = typeof value.name === "string" ? value.name : "";
    return { message: value.message, userError: USER_ERROR_NAME.test(name) };
  }
  if (typeof value?.value === "string") return { message: value.value, userError: false };
  // pg-boss's own failures (a heartbeat timeout, a shutdown) come wrapped: { value: { message } }.
  if (value?.value !== null && typeof value?.value === "object") return failureMessage(value.value);
  return { message: `failed: ${JSON.stringify(output)}`, userError: false };
}

/** The outcome of a job that has settled (done, failed or cancelled), or undefined while it has not. */
export function settledOutcome(state: QueueJobState, output: unknown): JobOutcome | undefined {
  if (state === "done") {
    return isFitResult(output)
      ? { ok: true, result: output }
      : { ok: false, message: `the job finished without a run: ${JSON.stringify(output)}`, userError: false };
  }
  if (state === "failed") return { ok: false, ...failureMessage(output) };
  if (state === "cancelled")
    return { ok: false, message: "the job was cancelled in the queue", userError: true };
  return undefined;
}
