import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findBuiltin } from "../data/builtin/registry.js";
import type { WarmDataset } from "../study/worker-protocol.js";
import { canonicalJson } from "../util/hash.js";
import { findProjectRoot } from "../util/project-root.js";

/**
 * The built-in datasets the project's study files (`experiments/*.json`) name, each once, with the
 * options the study loads it with: what a worker serving this project's studies loads as it starts.
 * Files that cannot be read or parsed, and datasets that are files, are left out (a job loads them).
 */
export function projectStudyDatasets(root: string = findProjectRoot()): WarmDataset[] {
  const folder = join(root, "experiments");
  let files: string[];
  try {
    files = readdirSync(folder).filter((file) => file.endsWith(".json"));
  } catch {
    return [];
  }
  const found = new Map<string, WarmDataset>();
  for (const file of files.sort()) {
    let dataset: unknown;
    try {
      dataset = (JSON.parse(readFileSync(join(folder, file), "utf8")) as { dataset?: unknown }).dataset;
    } catch {
      continue;
    }
    if (typeof dataset !== "object" || dataset === null) continue;
    const { name, ...options } = dataset as { name?: unknown };
    if (typeof name !== "string" || !findBuiltin(name)) continue;
    found.set(canonicalJson([name, options]), { name, options });
  }
  return [...found.values()];
}
