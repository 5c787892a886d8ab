import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { findProjectRoot } from "./project-root.js";

/**
 * Where expbook keeps derived caches: env `EXPBOOK_CACHE`, else `.cache/expbook` in the user's project
 * root (see `findProjectRoot`), never inside an installed `node_modules/expbook`.
 */
export function cacheDirectory(): string {
  return process.env.EXPBOOK_CACHE || join(findProjectRoot(), ".cache", "expbook");
}

/**
 * Writes a file atomically (a temporary file renamed into place), so a concurrent reader sees either
 * no file or the whole one; the temporary file never outlives a failure. Throws what the write threw.
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${process.hrtime.bigint()}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}
