import { InputError } from "../util/errors.js";
import type { SystemDefinition } from "../systems/system.js";
import { definitionOf } from "./system-module.js";

// Each built-in is a module whose default export is its definition, checked by the same `definitionOf`
// as a user's module. Loaded on demand, so a RAG run never pays for loading TensorFlow.js.
const builtins: Record<string, () => Promise<unknown>> = {
  finetune: () => import("../finetune/finetune-system.js"),
  rag: () => import("../rag/rag-system.js"),
  majority: () => import("../baselines/majority-system.js"),
  fewshot: () => import("../baselines/fewshot-system.js"),
  "tfidf-logreg": () => import("../baselines/tfidf-logreg-system.js"),
  http: () => import("../http/http-system.js"),
  feedback: () => import("./feedback-system.js"),
};

/** Every built-in system kind `expbook fit` and study files accept. */
export const systemKinds: readonly string[] = Object.keys(builtins);

/** True when `kind` names a built-in system. */
export function isSystemKind(kind: string): boolean {
  return Object.hasOwn(builtins, kind);
}

/** Loads the definition of a built-in system kind, or throws an InputError listing the kinds. */
export async function loadSystem(kind: string): Promise<SystemDefinition> {
  const load = builtins[kind];
  if (!load) throw new InputError(`unknown system kind "${kind}"; use one of ${systemKinds.join(", ")}`);
  return definitionOf(await load(), `built-in system ${kind}`);
}
