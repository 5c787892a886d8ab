import { createHash, randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { processStartTime } from "./environment.js";
import { pidAlive } from "./liveness.js";
import { storeWriteError } from "./store-io-error.js";
import { storeTempPath } from "./store-layout.js";

/** Who holds a lock file (its JSON). */
export interface LockHolder {
  host: string;
  pid: number;
  pidStart: string | null;
  since: string;
  /** Unique to one taking of the lock: it tells this holder's file from a later one of the same process. */
  token?: string;
}

/** What `takeLockFile` got: the lock (with its release), or who holds it (null: being taken or damaged). */
export type LockFileOutcome = { release: () => void } | { heldBy: LockHolder | null } | { contended: true };

/** A lock file as read: its holder (null when unreadable) and the id of this version of it. */
interface LockFile {
  holder: LockHolder | null;
  id: string;
}

// A lock file is created whole (linked from a written temp file), so an unreadable one is damaged, not
// half-written; one this old was abandoned. (Files of older versions were written after creation.)
const UNREADABLE_STALE_MS = 10_000;

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

/** True when the lock's holder is certainly gone: a dead (or reused) pid on this host, or an old unreadable file. */
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

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function writeTemp(path: string, holder: LockHolder, label: string): string {
  const temp = storeTempPath(`${path}.${holder.token}`);
  try {
    writeFileSync(temp, `${JSON.stringify(holder)}\n`, { flag: "wx" });
  } catch (error) {
    throw storeWriteError(label, path, error);
  }
  return temp;
}

function createAndWrite(path: string, holder: LockHolder, label: string): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(holder)}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw storeWriteError(label, path, error);
  }
}

/** Creates `path` holding `holder` if no file has that name; the file never exists half-written. */
function createExclusive(path: string, holder: LockHolder, label: string): boolean {
  const temp = writeTemp(path, holder, label);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    // A file system without hard links: create exclusively and write (briefly empty, read as busy).
    if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS")
      return createAndWrite(path, holder, label);
    throw storeWriteError(label, path, error);
  } finally {
    removeQuietly(temp);
  }
}

/** Replaces the file at `path` with one holding `holder`, in one rename. */
function replace(path: string, holder: LockHolder, label: string): void {
  const temp = writeTemp(path, holder, label);
  try {
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw storeWriteError(label, path, error);
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
  label: string,
): "won" | "changed" | { taker: LockHolder | null } {
  for (let attempt = 0; attempt < 100; attempt++) {
    const marker = `${path}.takeover-${staleId}-${attempt}`;
    if (createExclusive(marker, me, label)) {
      try {
        if (readLock(path)?.id !== staleId) return "changed";
        replace(path, me, label);
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

/**
 * Takes the lock file at `path` for this process: created exclusively and whole, holding this process's
 * host, pid, pid start time and a token. A lock whose holder died (same host, pid gone or reused) is taken
 * over by exactly one of the processes that find it stale. The release (also run on process exit) removes
 * the file only while it is still this taking's. `label` names the lock in write errors ("the study lock").
 */
export function takeLockFile(path: string, label: string): LockFileOutcome {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw storeWriteError(`${label} folder in`, dirname(folder), error);
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
    if (!createExclusive(path, me, label)) {
      const current = readLock(path);
      if (current === null) continue; // released meanwhile: try again
      if (!isStale(path, current.holder)) return { heldBy: current.holder };
      const outcome = takeOver(path, current.id, me, label);
      if (outcome === "changed") continue;
      if (outcome !== "won") {
        // Another process is taking the stale lock over: see who holds it once it has.
        if (attempt === attempts) return { heldBy: outcome.taker };
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
    }
    process.on("exit", release);
    return { release };
  }
  return { contended: true };
}
