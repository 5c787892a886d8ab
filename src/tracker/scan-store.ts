import { readdirSync, readFileSync, statSync } from "node:fs";
import { effectiveStatus } from "./liveness.js";
import { fileKey, readRunFile } from "./run-document.js";
import { appendIndex, compactIndex, type IndexLine, readIndex } from "./run-index.js";
import { decodeSeries } from "./series-file.js";
import { RUN_ID_PATTERN, type StoreLayout } from "./store-layout.js";
import type { DamagedRun, RunListing, RunRecord } from "./types.js";

/** The run ids with a folder in the store, oldest first. */
export function runIds(layout: StoreLayout): string[] {
  let names: string[];
  try {
    names = readdirSync(layout.runsDir);
  } catch {
    return [];
  }
  return names.filter((name) => RUN_ID_PATTERN.test(name)).sort();
}

/** Reads one run's record (fresh from its file) with its effective status; damaged when unreadable. */
export function readRun(layout: StoreLayout, id: string, staleAfterMs: number): RunRecord | DamagedRun {
  const read = readRunFile(layout.runFile(id));
  if (!read.ok) return { id, status: "damaged", path: layout.runFile(id), error: read.error };
  return present(layout, read.record, staleAfterMs);
}

/** A record as shown to callers: effective status and folder path, on a copy (the cached one stays raw). */
function present(layout: StoreLayout, record: RunRecord, staleAfterMs: number): RunRecord {
  const status =
    record.status === "running"
      ? effectiveStatus(record, layout.heartbeatFile(record.id), staleAfterMs)
      : record.status;
  // A crashed run's `latest` is as old as its last metadata write; its metrics file is the truth.
  const latest =
    status === "crashed" ? latestFromSeries(layout.seriesFile(record.id), record.latest) : record.latest;
  return { ...record, status, path: layout.runDir(record.id), ...(latest ? { latest } : {}) };
}

/** The last value of every metric in a metrics file (the file order is the logging order). */
function latestFromSeries(path: string, fallback: RunRecord["latest"]): RunRecord["latest"] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
  const latest: Record<string, number> = Object.create(null);
  for (const [name, points] of Object.entries(decodeSeries(text).series)) {
    const last = points[points.length - 1];
    if (last !== undefined) latest[name] = last.value;
  }
  return latest;
}

/**
 * Lists every run folder. Index entries are used only while the run file's key (inode, size,
 * mtime) still matches; everything else is read from the run file and the index is topped up.
 * Nothing is ever written to a run folder here.
 */
export function scanStore(layout: StoreLayout, staleAfterMs: number): RunListing {
  const ids = runIds(layout);
  const index = readIndex(layout.indexFile);
  const runs: RunRecord[] = [];
  const damaged: DamagedRun[] = [];
  const fresh: IndexLine[] = [];
  const current: IndexLine[] = [];
  for (const id of ids) {
    const runFile = layout.runFile(id);
    const entry = index.entries.get(id);
    if (entry !== undefined && !("removed" in entry)) {
      const stats = statSync(runFile, { throwIfNoEntry: false });
      if (stats !== undefined && fileKey(stats) === entry.key) {
        current.push(entry);
        runs.push(present(layout, entry.record, staleAfterMs));
        continue;
      }
    }
    const read = readRunFile(runFile);
    if (!read.ok) {
      damaged.push({ id, status: "damaged", path: runFile, error: read.error });
      continue;
    }
    const shown = present(layout, read.record, staleAfterMs);
    runs.push(shown);
    // Live runs change constantly: caching them would only pile up superseded lines.
    if (shown.status === "running") continue;
    const line: IndexLine = { id, key: read.key, record: read.record };
    fresh.push(line);
    current.push(line);
  }
  // Superseded lines (a re-read run, a removed one) pile up; rewrite once they are a third of the file.
  if (index.lineCount + fresh.length > 1.5 * current.length + 100) {
    if (!compactIndex(layout.indexFile, current)) appendIndex(layout.indexFile, fresh);
  } else {
    appendIndex(layout.indexFile, fresh);
  }
  return { runs, damaged };
}
