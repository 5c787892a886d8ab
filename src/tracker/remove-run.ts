import { renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { appendIndex } from "./run-index.js";
import { storeWriteError } from "./store-io-error.js";
import type { StoreLayout } from "./store-layout.js";

/**
 * Removes a run folder: renamed away first (readers see the run or nothing, never half of it),
 * then deleted; the index records the removal.
 */
export function removeRunFolder(layout: StoreLayout, id: string): void {
  const trash = join(layout.runsDir, `.trash-${id}-${process.pid}`);
  try {
    renameSync(layout.runDir(id), trash);
  } catch (error) {
    throw storeWriteError(`(remove) run ${id} at`, layout.runDir(id), error);
  }
  appendIndex(layout.indexFile, [{ id, removed: true }]);
  rmSync(trash, { recursive: true, force: true });
}
