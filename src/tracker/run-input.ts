import { InputError } from "../util/errors.js";

// What a live run accepts from user code, checked the same way by every store's live run.

/** Checks a `run.log` call's metric name and value. */
export function checkLoggedPoint(name: string, value: number): void {
  if (typeof name !== "string" || name === "") {
    throw new InputError(`run.log: metric name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (typeof value !== "number") {
    throw new InputError(`run.log("${name}"): value must be a number, got ${typeof value}`);
  }
}

/** The step a point is logged at: the one given (a finite number), else the metric's next step. */
export function loggedStep(name: string, step: number | undefined, nextStep: number): number {
  if (step === undefined) return nextStep;
  if (typeof step !== "number" || !Number.isFinite(step)) {
    throw new InputError(`run.log("${name}"): step must be a finite number, got ${String(step)}`);
  }
  return step;
}

/** Checks `run.summary` values: an object of numbers, strings or booleans. */
export function checkSummaryValues(values: Record<string, number | string | boolean>): void {
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    throw new InputError("run.summary: pass an object of metric names to values");
  }
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean") {
      throw new InputError(
        `run.summary: "${key}" must be a number, string or boolean, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}; log nested values as separate keys (e.g. "${key}.x")`,
      );
    }
  }
}

/** Checks `run.tag` values: strings or booleans. */
export function checkTagValues(values: Record<string, string | boolean>): void {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== "string" && typeof value !== "boolean") {
      throw new InputError(`run.tag: tag "${key}" must be a string or boolean, got ${typeof value}`);
    }
  }
}

/** Checks a `run.artifact` name. */
export function checkArtifactName(name: string): void {
  if (typeof name !== "string" || name === "") {
    throw new InputError("run.artifact: the artifact name must be a non-empty string");
  }
}
