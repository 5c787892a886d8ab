import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./version.js";

/** Where expbook keeps derived caches: env EXPBOOK_CACHE, else `<project>/.cache/expbook` (git-ignored). */
export function cacheDirectory(): string {
  return process.env.EXPBOOK_CACHE || join(projectRoot(), ".cache", "expbook");
}

/**
 * Writes a cache file atomically (a temporary file renamed into place), so a concurrent reader sees
 * either nothing or the whole file. Failing to write a cache is not an error: the caller recomputes.
 */
export function writeCacheFile(path: string, data: string | Uint8Array): boolean {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(temporary, data);
    renameSync(temporary, path);
    return true;
  } catch {
    return false;
  }
}
