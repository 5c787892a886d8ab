import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../util/errors.js";
import type { ArtifactAccess } from "./system.js";

/** A name that stays a single file name inside the folder (no separators, no `.`/`..`). */
function fileIn(dir: string, name: string): string {
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new InputError(`artifact name ${JSON.stringify(name)} must be a plain file name (no slashes)`);
  }
  return join(dir, name);
}

/**
 * Artifact access backed by a plain folder, for a system called outside any tracker (a notebook, a
 * benchmark): `put` writes `<dir>/<name>`, `get` and `file` read it.
 *
 * @example const context = { ...rest, artifactDir: dir, artifacts: folderArtifacts(dir) };
 */
export function folderArtifacts(dir: string): ArtifactAccess {
  return {
    put: async (name, data) => {
      const path = fileIn(dir, name);
      mkdirSync(dir, { recursive: true });
      if (typeof data === "string" || data instanceof Uint8Array) writeFileSync(path, data);
      else copyFileSync(data.fromPath, path);
    },
    get: async (name) => readFileSync(fileIn(dir, name)),
    file: async (name) => fileIn(dir, name),
  };
}
