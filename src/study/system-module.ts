import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { definitionProblem } from "../systems/define-system.js";
import type { SystemDefinition } from "../systems/system.js";
import { StudyError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";

/** A system defined in a user's module: its definition, where it is and a hash of its source. */
export interface SystemModule {
  definition: SystemDefinition;
  /** Absolute path of the module file. */
  path: string;
  /** sha256 of the module's source (first 16 hex digits): an edited module is a different system. */
  hash: string;
}

/** The definition a loaded module (built-in or user's) exports by default, or a StudyError naming `where`. */
export function definitionOf(namespace: unknown, where: string): SystemDefinition {
  const exported = (namespace as { default?: unknown } | null)?.default;
  if (exported === undefined)
    throw new StudyError(
      `${where} has no default export; end it with \`export default defineSystem({ ... })\``,
    );
  const problem = definitionProblem(exported);
  if (problem) throw new StudyError(`the default export of ${where} ${problem}`);
  return exported as SystemDefinition;
}

/**
 * Imports a system module (compiled JavaScript; a relative path is taken from the working directory) and
 * checks its default export. The import URL carries the source hash, so a long-lived process (a notebook,
 * a worker) loads an edited module afresh instead of the copy Node cached under the same path.
 *
 * @example const mine = await loadSystemModule("systems/bow-mlp.js"); await fitSystem({ kind: mine, ... });
 */
export async function loadSystemModule(given: string): Promise<SystemModule> {
  const path = resolve(given);
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    throw new StudyError(`system module ${path} not found; give its path relative to the study file`);
  }
  const hash = sha256(source).slice(0, 16);
  let namespace: unknown;
  try {
    namespace = await import(`${pathToFileURL(path).href}?source=${hash}`);
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new StudyError(`system module ${path} failed to load: ${first}`);
  }
  return { definition: definitionOf(namespace, `system module ${path}`), path, hash };
}
