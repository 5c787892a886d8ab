import type { z } from "zod";
import type { SystemContext, SystemDefinition, SystemOutput } from "./system.js";

/**
 * Declares a system kind: its name, a one-line description, a zod schema for its params (defaults
 * filled, unknown keys rejected by a `.strict()` object) and `run`, which receives the params typed by
 * that schema. The result goes to `fitSystem({ kind: definition, ... })`, or is the default export of a
 * module a study file names (`{ "name": "my-mlp", "module": "./systems/my-mlp.js" }`).
 *
 * @example
 * export default defineSystem({
 *   kind: "constant",
 *   description: "predicts one class for every row",
 *   params: z.object({ label: z.string() }).strict(),
 *   run: async (ctx) => ({
 *     valPredictions: ctx.val.map((row) => ({ id: row.id, label: ctx.params.label })),
 *     testPredictions: ctx.test.map((row) => ({ id: row.id, label: ctx.params.label })),
 *   }),
 * });
 */
export function defineSystem<S extends z.ZodType>(definition: {
  kind: string;
  description: string;
  params: S;
  /** Trains with TensorFlow.js: the run records its backend and tfjs version (see SystemDefinition). */
  tfjs?: boolean;
  run(context: SystemContext<z.output<S>>): Promise<SystemOutput>;
}): SystemDefinition<S> {
  return Object.freeze({ ...definition });
}

/**
 * Why `value` is not a system definition (`undefined` when it is one), in words that fit after
 * "the default export of <module> ...".
 */
export function definitionProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return "is not a system definition (use defineSystem)";
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.kind !== "string" || candidate.kind === "") return "has no kind";
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(candidate.kind))
    return `has kind "${candidate.kind}"; use letters, digits, '-', '_' and '.'`;
  if (typeof candidate.description !== "string") return "has no description";
  const params = candidate.params as { safeParse?: unknown } | undefined;
  if (params === null || typeof params !== "object" || typeof params.safeParse !== "function")
    return "has no zod params schema";
  if (typeof candidate.run !== "function") return "has no run(context) function";
  if (candidate.tfjs !== undefined && typeof candidate.tfjs !== "boolean")
    return "has a tfjs flag that is not true or false";
  return undefined;
}
