import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { STORE_TEMP_PATTERN } from "../store-layout.js";
import { internFile } from "./blob-store.js";

/**
 * Moves the bytes of every artifact file a system wrote straight into a run's artifact folder into the
 * store's blobs (see `internFile`), so identical files across runs are kept once. Files already linked
 * to a blob are skipped. Best effort: a file that cannot be interned stays as it is.
 */
export function internArtifactDir(root: string, artifactDir: string): void {
  let names: string[];
  try {
    names = readdirSync(artifactDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (STORE_TEMP_PATTERN.test(name)) continue;
    const path = join(artifactDir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile() || stats.nlink > 1) continue;
    try {
      internFile(root, path);
    } catch {
      // kept as a plain file
    }
  }
}
