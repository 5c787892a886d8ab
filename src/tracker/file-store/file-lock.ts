import { join } from "node:path";
import { artifactFileName } from "../store-layout.js";
import type { LockResult } from "../store/run-store.js";
import { takeLockFile } from "../lock-file.js";

/** The lock file of a named lock in the store at `root` (`<store>/locks/<name>.lock`, name encoded). */
export function lockFilePath(root: string, name: string): string {
  return join(root, "locks", `${artifactFileName(name)}.lock`);
}

/**
 * Takes the named lock of a file store: a lock file with this process's host, pid and pid start time,
 * created exclusively and whole (`takeLockFile`). A lock whose holder died (same host, pid gone or reused)
 * is taken over by exactly one of the processes that find it stale. The lock is released by `release` or
 * when this process exits.
 */
export function takeFileLock(root: string, name: string): LockResult {
  const path = lockFilePath(root, name);
  const outcome = takeLockFile(path, "the lock");
  if ("release" in outcome) {
    const { release } = outcome;
    return { release: async () => release() };
  }
  if ("heldBy" in outcome) {
    const holder = outcome.heldBy;
    return {
      heldBy: holder
        ? `host ${holder.host}, pid ${holder.pid}, since ${holder.since}`
        : `being taken (${path})`,
    };
  }
  return { heldBy: `contended (${path}); try again` };
}
