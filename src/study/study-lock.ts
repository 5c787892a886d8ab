import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processStartTime } from "../tracker/environment.js";
import { pidAlive } from "../tracker/liveness.js";
import { storeWriteError } from "../tracker/store-io-error.js";
import { StudyError } from "../util/errors.js";

/** Who holds a study lock (the lock file's JSON). */
interface LockHolder {
  host: string;
  pid: number;
  pidStart: string | null;
  since: string;
}

// A lock file with no readable holder yet is being written; one this old was abandoned.
const UNREADABLE_STALE_MS = 10_000;

/** The lock file of one study in one store. */
export function studyLockPath(storeDir: string, study: string): string {
  return join(storeDir, "locks", `study-${study}.lock`);
}

function readHolder(path: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof holder?.pid === "number" && typeof holder.host === "string" ? holder : null;
  } catch {
    return null;
  }
}

/** True when the lock's holder is certainly gone: a dead pid on this host, or an old unreadable file. */
function isStale(path: string, holder: LockHolder | null): boolean {
  if (holder === null) {
    try {
      return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS;
    } catch {
      return true;
    }
  }
  return holder.host === hostname() && !pidAlive(holder.pid, holder.pidStart);
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw storeWriteError("the study lock", path, error);
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw storeWriteError("the study lock", path, error);
  }
  closeSync(fd);
  return true;
}

/**
 * Takes the lock that lets one process at a time run `study` on the store at `storeDir`: a lock file
 * holding this process's host and pid. A lock whose holder died (same host, pid gone) is taken over.
 * Returns the release function (also run on process exit). Throws a `StudyError` naming the holder.
 */
export function acquireStudyLock(storeDir: string, study: string): () => void {
  const path = studyLockPath(storeDir, study);
  try {
    mkdirSync(join(storeDir, "locks"), { recursive: true });
  } catch (error) {
    throw storeWriteError("the study lock folder in", storeDir, error);
  }
  const me: LockHolder = {
    host: hostname(),
    pid: process.pid,
    pidStart: processStartTime(process.pid),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) {
      const release = (): void => {
        process.removeListener("exit", release);
        const holder = readHolder(path);
        if (holder?.pid !== me.pid || holder.host !== me.host) return;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on("exit", release);
      return release;
    }
    const holder = readHolder(path);
    if (!isStale(path, holder)) {
      const who = holder ? `host ${holder.host}, pid ${holder.pid}, since ${holder.since}` : "being taken";
      throw new StudyError(
        `study ${study} is already running on the store ${storeDir} (${who}); wait for it to finish, or if that process is gone remove ${path}`,
      );
    }
    try {
      unlinkSync(path);
    } catch {
      // another process took it over first; try again
    }
  }
  throw new StudyError(`could not take the lock ${path} for study ${study}; try again`);
}
