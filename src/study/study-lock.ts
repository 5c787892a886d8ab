import { join } from "node:path";
import { type LockHolder, takeLockFile } from "../tracker/lock-file.js";
import { StudyError } from "../util/errors.js";

/** The lock file of one study in one store. */
export function studyLockPath(storeDir: string, study: string): string {
  return join(storeDir, "locks", `study-${study}.lock`);
}

function busy(study: string, storeDir: string, path: string, holder: LockHolder | null): StudyError {
  const who = holder ? `host ${holder.host}, pid ${holder.pid}, since ${holder.since}` : "being taken";
  return new StudyError(
    `study ${study} is already running on the store ${storeDir} (${who}); wait for it to finish, or if that process is gone remove ${path}`,
  );
}

/**
 * Takes the lock that lets one process at a time run `study` on the store at `storeDir`: a lock file
 * holding this process's host and pid (`takeLockFile`). A lock whose holder died (same host, pid gone) is
 * taken over, by exactly one of the processes that find it stale. Returns the release function (also run
 * on process exit). Throws a `StudyError` naming the holder.
 */
export function acquireStudyLock(storeDir: string, study: string): () => void {
  const path = studyLockPath(storeDir, study);
  const outcome = takeLockFile(path, "the study lock");
  if ("release" in outcome) return outcome.release;
  if ("heldBy" in outcome) throw busy(study, storeDir, path, outcome.heldBy);
  throw new StudyError(`could not take the lock ${path} for study ${study}; try again`);
}
