import { accessSync, constants, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { StoreError } from "../util/errors.js";
import { join } from "node:path";
import { effectiveStatus } from "./liveness.js";
import { readRunFile } from "./run-document.js";
import { compactIndex, type IndexLine, readIndex } from "./run-index.js";
import { runIds } from "./scan-store.js";
import { storeWriteError } from "./store-io-error.js";
import { RUN_ID_PATTERN, STORE_TEMP_PATTERN, type StoreLayout } from "./store-layout.js";
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
  /** False when the index could not be rewritten (another process held its lock). */
  indexRebuilt: boolean;
  dryRun: boolean;
}

// A run folder is built in a staging folder, and a temp file renamed into place, within milliseconds;
// one this old was abandoned by a crash.
const ABANDONED_AFTER_MS = 10 * 60_000;

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

/** Temp files of the store's own atomic writes (never a user's `*.tmp`), abandoned long enough ago. */
function tempFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => STORE_TEMP_PATTERN.test(name))
      .map((name) => join(dir, name))
      .filter((path) => olderThan(path, ABANDONED_AFTER_MS));
  } catch {
    return [];
  }
}

/** Refuses a folder that exists but holds no store, so gc never cleans a user's folder. */
function assertStore(layout: StoreLayout): boolean {
  if (!existsSync(layout.root)) return false;
  if (existsSync(layout.runsDir) || existsSync(layout.indexFile)) return true;
  throw new StoreError(
    `${layout.root} is not an expbook store (no runs/ folder or index.jsonl); pass the store folder with --store`,
  );
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
  if (!assertStore(layout)) {
    return {
      orphans: [],
      unknown: [],
      damaged: [],
      indexedRuns: 0,
      indexLinesBefore: 0,
      indexRebuilt: false,
      dryRun: options.dryRun,
    };
  }
  if (!options.dryRun) {
    try {
      accessSync(layout.root, constants.W_OK);
    } catch (error) {
      throw storeWriteError("the store", layout.root, error);
    }
  }
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
    const status = effectiveStatus(read.record, layout.heartbeatFile(id), options.staleAfterMs);
    if (status === "running") continue;
    orphans.push(...tempFilesIn(layout.runDir(id)));
    // A finished run's artifacts are the user's, whatever their names.
    if (status !== "finished") orphans.push(...tempFilesIn(layout.artifactDir(id)));
  }
  orphans.push(...tempFilesIn(layout.root));
  const lock = join(layout.root, "index.lock");
  if (olderThan(lock, 60_000)) orphans.push(lock);
  const indexLinesBefore = readIndex(layout.indexFile).lineCount;
  let indexRebuilt = false;
  if (!options.dryRun) {
    for (const path of orphans) {
      try {
        rmSync(path, { recursive: true, force: true });
      } catch (error) {
        throw storeWriteError("(remove) the orphan", path, error);
      }
    }
    indexRebuilt = lines.length === 0 && indexLinesBefore === 0;
    if (!indexRebuilt) indexRebuilt = compactIndex(layout.indexFile, lines);
  }
  return {
    orphans,
    unknown,
    damaged,
    indexedRuns: lines.length,
    indexLinesBefore,
    indexRebuilt,
    dryRun: options.dryRun,
  };
}
