import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { effectiveStatus } from "./liveness.js";
import { readRunFile } from "./run-document.js";
import { compactIndex, type IndexLine, readIndex } from "./run-index.js";
import { runIds } from "./scan-store.js";
import { RUN_ID_PATTERN, type StoreLayout } from "./store-layout.js";
import type { DamagedRun } from "./types.js";

/** What `tracker.gc` found and did. */
export interface GcReport {
  /** Leftover files and folders (temp files, half-created or half-removed runs): removed unless a dry run. */
  orphans: string[];
  /** Entries in `runs/` that expbook did not create: reported, never touched. */
  unknown: string[];
  /** Unreadable run files: reported, never touched. */
  damaged: DamagedRun[];
  /** Runs in the rebuilt index (or that would be, in a dry run). */
  indexedRuns: number;
  /** Index lines before the rebuild. */
  indexLinesBefore: number;
  dryRun: boolean;
}

// A run folder is built in a staging folder for milliseconds; one this old was abandoned by a crash.
const ABANDONED_AFTER_MS = 10 * 60_000;
const TEMP_FILE = /\.tmp$/;

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

function tempFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => TEMP_FILE.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/**
 * Finds orphaned files (abandoned staging/trash folders, temp files of runs no longer live, a stale
 * index lock) and rebuilds the index from the run files. Damaged runs and unknown files are only
 * reported. With `dryRun`, nothing changes.
 */
export function collectGarbage(
  layout: StoreLayout,
  options: { dryRun: boolean; staleAfterMs: number },
): GcReport {
  const orphans: string[] = [];
  const unknown: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(layout.runsDir);
  } catch {
    names = [];
  }
  for (const name of names) {
    const path = join(layout.runsDir, name);
    if (name.startsWith(".trash-")) orphans.push(path);
    else if (name.startsWith(".staging-")) {
      if (olderThan(path, ABANDONED_AFTER_MS)) orphans.push(path);
    } else if (!RUN_ID_PATTERN.test(name)) unknown.push(path);
  }
  const damaged: DamagedRun[] = [];
  const lines: IndexLine[] = [];
  for (const id of runIds(layout)) {
    const read = readRunFile(layout.runFile(id));
    if (!read.ok) {
      damaged.push({ id, status: "damaged", path: layout.runFile(id), error: read.error });
      continue;
    }
    lines.push({ id, key: read.key, record: read.record });
    const live = effectiveStatus(read.record, layout.heartbeatFile(id), options.staleAfterMs) === "running";
    if (!live) orphans.push(...tempFilesIn(layout.runDir(id)), ...tempFilesIn(layout.artifactDir(id)));
  }
  orphans.push(...tempFilesIn(layout.root));
  const lock = join(layout.root, "index.lock");
  if (olderThan(lock, 60_000)) orphans.push(lock);
  const indexLinesBefore = readIndex(layout.indexFile).lineCount;
  if (!options.dryRun) {
    for (const path of orphans) rmSync(path, { recursive: true, force: true });
    if (lines.length > 0 || indexLinesBefore > 0) compactIndex(layout.indexFile, lines);
  }
  return { orphans, unknown, damaged, indexedRuns: lines.length, indexLinesBefore, dryRun: options.dryRun };
}
