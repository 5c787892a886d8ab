import { InputError } from "../util/errors.js";
import type { SystemDefinition } from "./system.js";

// Loaded on demand, so a RAG run never pays for loading TensorFlow.js and vice versa.
const loaders: Record<string, () => Promise<SystemDefinition>> = {
  finetune: async () => (await import("../finetune/index.js")).finetuneSystem as unknown as SystemDefinition,
  rag: async () => (await import("../rag/index.js")).ragSystem as unknown as SystemDefinition,
  majority: async () => (await import("../baselines/index.js")).majoritySystem as unknown as SystemDefinition,
  fewshot: async () => (await import("../baselines/index.js")).fewshotSystem as unknown as SystemDefinition,
  "tfidf-logreg": async () =>
    (await import("../baselines/index.js")).tfidfLogregSystem as unknown as SystemDefinition,
};

/** Every system kind `expbook fit` and study files accept. */
export const systemKinds: readonly string[] = Object.keys(loaders);

/** True when `kind` names a system. */
export function isSystemKind(kind: string): boolean {
  return Object.hasOwn(loaders, kind);
}

/** Loads the definition of a system kind, or throws an InputError listing the kinds. */
export async function loadSystem(kind: string): Promise<SystemDefinition> {
  const load = loaders[kind];
  if (!load) throw new InputError(`unknown system kind "${kind}"; use one of ${systemKinds.join(", ")}`);
  return load();
}
