import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { FileKey } from "./run-document.js";
import { storeTempPath } from "./store-layout.js";
import type { RunRecord } from "./types.js";

/**
 * The store index: `index.jsonl`, one line per snapshot of a run (`{id, key, record}`) or per removal
 * (`{id, removed: true}`); the last line for an id wins. It is only a cache: an entry is used only
 * while its key matches the run file on disk, and anything missing is read from the run folder.
 * Lines are appended with one `write` on an `O_APPEND` descriptor, so writers in several processes
 * never overwrite each other's lines.
 */
export type IndexLine = { id: string; key: FileKey; record: RunRecord } | { id: string; removed: true };

/** Appends lines to the index (best effort: a lost line only costs a re-read later). */
export function appendIndex(indexFile: string, lines: IndexLine[]): void {
  if (lines.length === 0) return;
  const text = lines.map((line) => `${JSON.stringify(line)}\n`).join("");
  let fd: number | undefined;
  try {
    fd = openSync(indexFile, "a");
    writeSync(fd, text);
  } catch {
    // A read-only store or a full disk: the index is a cache and the run folder stays the truth.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The index as read: the latest line per id, and how many lines it had. */
export interface IndexSnapshot {
  entries: Map<string, IndexLine>;
  lineCount: number;
}

/** True for a well-formed line; anything else (`record: null`, a torn line) is ignored. */
function isIndexLine(line: unknown): line is IndexLine {
  if (line === null || typeof line !== "object") return false;
  const { id, key, record, removed } = line as Record<string, unknown>;
  if (typeof id !== "string") return false;
  if (removed === true) return true;
  return (
    typeof key === "string" &&
    record !== null &&
    typeof record === "object" &&
    typeof (record as RunRecord).status === "string" &&
    (record as RunRecord).env !== null &&
    typeof (record as RunRecord).env === "object"
  );
}

/** Reads the index; damaged lines (a torn write, a line that is not a snapshot) are ignored. */
export function readIndex(indexFile: string): IndexSnapshot {
  const entries = new Map<string, IndexLine>();
  let text: string;
  try {
    text = readFileSync(indexFile, "utf8");
  } catch {
    return { entries, lineCount: 0 };
  }
  let lineCount = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (end > start) {
      lineCount++;
      try {
        const line = JSON.parse(text.slice(start, end)) as IndexLine;
        if (isIndexLine(line)) entries.set(line.id, line);
      } catch {
        // A partial line from a crash mid-write; the run file is re-read instead.
      }
    }
    start = end + 1;
  }
  return { entries, lineCount };
}

/**
 * Rewrites the index with one line per given snapshot (temp file + rename). Lines another process
 * appends meanwhile may be dropped; that is safe because the index is a cache validated on read.
 * Only one compaction runs at a time (an exclusive lock file); a busy lock skips it.
 */
export function compactIndex(indexFile: string, lines: IndexLine[]): boolean {
  const lock = join(dirname(indexFile), "index.lock");
  let lockFd: number;
  try {
    lockFd = openSync(lock, "wx");
  } catch {
    removeStaleLock(lock);
    return false;
  }
  try {
    const temp = storeTempPath(indexFile);
    writeFileSync(temp, lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
    renameSync(temp, indexFile);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(lockFd);
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

// A compaction killed mid-way leaves its lock behind; one older than a minute is abandoned.
const STALE_LOCK_MS = 60_000;

function removeStaleLock(lock: string): void {
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
  } catch {
    // gone already, or not ours to remove
  }
}
