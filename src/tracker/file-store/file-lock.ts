import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processStartTime } from "../environment.js";
import { pidAlive } from "../liveness.js";
import { storeWriteError } from "../store-io-error.js";
import { artifactFileName } from "../store-layout.js";
import type { LockResult } from "../store/run-store.js";

/** Who holds a lock (the lock file's JSON). */
interface LockHolder {
  host: string;
  pid: number;
  pidStart: string | null;
  since: string;
}

// A lock file with no readable holder yet is being written; one this old was abandoned.
const UNREADABLE_STALE_MS = 10_000;

/** The lock file of a named lock in the store at `root` (`<store>/locks/<name>.lock`, name encoded). */
export function lockFilePath(root: string, name: string): string {
  return join(root, "locks", `${artifactFileName(name)}.lock`);
}

function readHolder(path: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof holder?.pid === "number" && typeof holder.host === "string" ? holder : null;
  } catch {
    return null;
  }
}

/** True when the holder is certainly gone: a dead pid (or a reused one) on this host, or an old unreadable file. */
function isStale(path: string, holder: LockHolder | null): boolean {
  if (holder === null) {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats === undefined || Date.now() - stats.mtimeMs > UNREADABLE_STALE_MS;
  }
  return holder.host === hostname() && !pidAlive(holder.pid, holder.pidStart);
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw storeWriteError("the lock", path, error);
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw storeWriteError("the lock", path, error);
  }
  closeSync(fd);
  return true;
}

/**
 * Takes the named lock of a file store: a lock file with this process's host, pid and pid start time,
 * created exclusively. A lock whose holder died (same host, pid gone or reused) is taken over. The lock
 * is released by `release` or when this process exits.
 */
export function takeFileLock(root: string, name: string): LockResult {
  const path = lockFilePath(root, name);
  try {
    mkdirSync(join(root, "locks"), { recursive: true });
  } catch (error) {
    throw storeWriteError("the lock folder in", root, error);
  }
  const me: LockHolder = {
    host: hostname(),
    pid: process.pid,
    pidStart: processStartTime(process.pid),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) {
      const releaseSync = (): void => {
        process.removeListener("exit", releaseSync);
        const holder = readHolder(path);
        if (holder?.pid !== me.pid || holder.host !== me.host) return;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on("exit", releaseSync);
      return { release: async () => releaseSync() };
    }
    const holder = readHolder(path);
    if (!isStale(path, holder)) {
      return {
        heldBy: holder
          ? `host ${holder.host}, pid ${holder.pid}, since ${holder.since}`
          : `being taken (${path})`,
      };
    }
    try {
      unlinkSync(path);
    } catch {
      // another process took it over first; try again
    }
  }
  return { heldBy: `contended (${path}); try again` };
}
