import type { z } from "zod";
import { InputError } from "../util/errors.js";
import type { SystemDefinition } from "./system.js";

/** A zod issue path as JSON-path text: `params.learningRate`, `systems[2].params.k`. */
export function issuePath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let text = prefix;
  for (const key of path)
    text += typeof key === "number" ? `[${key}]` : text === "" ? String(key) : `.${String(key)}`;
  return text || "(root)";
}

/** The first problem zod found, as one line: `<path>: <message>`. */
export function describeIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  if (!issue) return `${prefix}: invalid`;
  if (issue.code === "unrecognized_keys") {
    return `${issuePath(prefix, issue.path)}: unknown param ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
  }
  return `${issuePath(prefix, issue.path)}: ${issue.message}`;
}

/**
 * Validates raw params against a system's schema (defaults filled, unknown keys rejected).
 * Throws `makeError(message)` (an InputError by default) naming the JSON path of the first problem.
 */
export function validateSystemParams(
  system: SystemDefinition,
  raw: unknown,
  prefix = "params",
  makeError: (message: string) => Error = (message) => new InputError(message),
): Record<string, unknown> {
  const result = system.params.safeParse(raw ?? {});
  if (!result.success) throw makeError(`${describeIssue(result.error, prefix)} (system kind ${system.kind})`);
  return result.data as Record<string, unknown>;
}
