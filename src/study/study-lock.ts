import { createHash, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processStartTime } from "../tracker/environment.js";
import { pidAlive } from "../tracker/liveness.js";
import { storeWriteError } from "../tracker/store-io-error.js";
import { storeTempPath } from "../tracker/store-layout.js";
import { StudyError } from "../util/errors.js";

/** Who holds a study lock (the lock file's JSON). */
interface LockHolder {
  host: string;
  pid: number;
  pidStart: string | null;
  since: string;
  /** Unique to one taking of the lock: it tells this holder's file from a later one of the same process. */
  token?: string;
}

/** A lock file as read: its holder (null when unreadable) and the id of this version of it. */
interface LockFile {
  holder: LockHolder | null;
  id: string;
}

// A lock file is created whole (linked from a written temp file), so an unreadable one is damaged, not
// half-written; one this old was abandoned. (Files of older versions were written after creation.)
const UNREADABLE_STALE_MS = 10_000;

/** The lock file of one study in one store. */
export function studyLockPath(storeDir: string, study: string): string {
  return join(storeDir, "locks", `study-${study}.lock`);
}

function readLock(path: string): LockFile | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  let holder: LockHolder | null = null;
  try {
    const parsed = JSON.parse(text) as LockHolder;
    if (typeof parsed?.pid === "number" && typeof parsed.host === "string") holder = parsed;
  } catch {
    // damaged or from another program: stale once old enough
  }
  const id = typeof holder?.token === "string" && /^[0-9a-f]{16}$/.test(holder.token) ? holder.token : "";
  return { holder, id: id || createHash("sha256").update(text).digest("hex").slice(0, 16) };
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

function writeTemp(path: string, holder: LockHolder): string {
  const temp = storeTempPath(`${path}.${holder.token}`);
  try {
    writeFileSync(temp, `${JSON.stringify(holder)}\n`, { flag: "wx" });
  } catch (error) {
    throw storeWriteError("the study lock", path, error);
  }
  return temp;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function createAndWrite(path: string, holder: LockHolder): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(holder)}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw storeWriteError("the study lock", path, error);
  }
}

/** Creates `path` holding `holder` if no file has that name; the file never exists half-written. */
function createExclusive(path: string, holder: LockHolder): boolean {
  const temp = writeTemp(path, holder);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    // A file system without hard links: create exclusively and write (briefly empty, read as busy).
    if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS") return createAndWrite(path, holder);
    throw storeWriteError("the study lock", path, error);
  } finally {
    removeQuietly(temp);
  }
}

/** Replaces the file at `path` with one holding `holder`, in one rename. */
function replace(path: string, holder: LockHolder): void {
  const temp = writeTemp(path, holder);
  try {
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw storeWriteError("the study lock", path, error);
  }
}

/**
 * Takes over the stale lock version `staleId`. Deleting a stale file and creating a new one would let
 * two processes that both saw it stale both win (the second deletes the first's new lock). Instead the
 * right to replace that version is itself a file created exclusively, named after the version: one
 * process creates it, checks the lock is still that version, and renames its own lock over it. A
 * marker left by a taker that died is skipped for the next one (`-1`, `-2`, ...); a live taker's
 * marker is returned (it lasts a moment: the caller looks again).
 */
function takeOver(
  path: string,
  staleId: string,
  me: LockHolder,
): "won" | "changed" | { taker: LockHolder | null } {
  for (let attempt = 0; attempt < 100; attempt++) {
    const marker = `${path}.takeover-${staleId}-${attempt}`;
    if (createExclusive(marker, me)) {
      try {
        if (readLock(path)?.id !== staleId) return "changed";
        replace(path, me);
        return "won";
      } finally {
        removeQuietly(marker);
      }
    }
    const other = readLock(marker);
    // The marker's taker finished (and removed it): the lock is a new version now.
    if (other === null) return "changed";
    if (!isStale(marker, other.holder)) return { taker: other.holder };
  }
  return { taker: null };
}

function busy(study: string, storeDir: string, path: string, holder: LockHolder | null): StudyError {
  const who = holder ? `host ${holder.host}, pid ${holder.pid}, since ${holder.since}` : "being taken";
  return new StudyError(
    `study ${study} is already running on the store ${storeDir} (${who}); wait for it to finish, or if that process is gone remove ${path}`,
  );
}

/**
 * Takes the lock that lets one process at a time run `study` on the store at `storeDir`: a lock file
 * holding this process's host and pid. A lock whose holder died (same host, pid gone) is taken over,
 * by exactly one of the processes that find it stale. Returns the release function (also run on
 * process exit). Throws a `StudyError` naming the holder.
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
    token: randomBytes(8).toString("hex"),
  };
  const release = (): void => {
    process.removeListener("exit", release);
    if (readLock(path)?.id === me.token) removeQuietly(path);
  };
  const attempts = 20;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (!createExclusive(path, me)) {
      const current = readLock(path);
      if (current === null) continue; // released meanwhile: try again
      if (!isStale(path, current.holder)) throw busy(study, storeDir, path, current.holder);
      const outcome = takeOver(path, current.id, me);
      if (outcome === "changed") continue;
      if (outcome !== "won") {
        // Another process is taking the stale lock over: see who holds it once it has.
        if (attempt === attempts) throw busy(study, storeDir, path, outcome.taker);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
    }
    process.on("exit", release);
    return release;
  }
  throw new StudyError(`could not take the lock ${path} for study ${study}; try again`);
}
