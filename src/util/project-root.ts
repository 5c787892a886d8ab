import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The user's project root: the nearest folder at or above `start` (default: the working directory) that
 * holds a `package.json` or a `.git`, so a notebook in `notebooks/` and a shell at the top agree on where
 * the store, the caches and recorded relative paths live. Falls back to `start` itself when none is found.
 *
 * @example findProjectRoot("/home/ana/thesis/notebooks") // "/home/ana/thesis"
 */
export function findProjectRoot(start: string = process.cwd()): string {
  const from = resolve(start);
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) || existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return from;
  }
}
