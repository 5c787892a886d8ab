import { linkSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JSONFileSync } from "lowdb/node";
import { fileKey } from "../run-document.js";
import { appendIndex } from "../run-index.js";
import { encodePoint } from "../series-file.js";
import { storeWriteError } from "../store-io-error.js";
import { artifactFileName, type StoreLayout } from "../store-layout.js";
import type { ArtifactInfo, ImportOutcome, RunExport } from "../store/run-store.js";
import type { RunRecord } from "../types.js";
import { blobPath, internFile } from "./blob-store.js";

function seriesText(series: RunExport["series"]): string {
  let text = "";
  for (const [name, points] of Object.entries(series)) {
    const quoted = JSON.stringify(name);
    for (const point of points) text += encodePoint(quoted, point.step, point.value, point.time);
  }
  return text;
}

/**
 * Copies an ended run from another store into a file store: built in a staging folder and renamed
 * into `runs/` (a reader sees all of it or nothing). Artifact bytes already in the store's blobs are
 * linked, not fetched. `present` when a run with this id exists (nothing is written).
 */
export async function importRunFolder(
  layout: StoreLayout,
  run: RunExport,
  readArtifact: (info: ArtifactInfo) => Promise<Uint8Array>,
): Promise<ImportOutcome> {
  const id = run.record.id;
  if (statSync(layout.runDir(id), { throwIfNoEntry: false }) !== undefined) return "present";
  const staging = join(layout.runsDir, `.staging-${id}`);
  const artifactDir = join(staging, "artifacts");
  const { path: _path, ...record } = run.record;
  try {
    mkdirSync(artifactDir, { recursive: true });
    new JSONFileSync<RunRecord>(join(staging, "run.json")).write(record);
    writeFileSync(join(staging, "metrics.jsonl"), seriesText(run.series));
    writeFileSync(join(staging, "heartbeat"), "");
    for (const info of run.artifacts) {
      const path = join(artifactDir, artifactFileName(info.name));
      try {
        linkSync(blobPath(layout.root, info.sha256), path);
        continue;
      } catch {
        // not in this store yet (or no hard links): fetch the bytes
      }
      writeFileSync(path, await readArtifact(info));
      try {
        internFile(layout.root, path);
      } catch {
        // kept as a plain file
      }
    }
    renameSync(staging, layout.runDir(id));
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (statSync(layout.runDir(id), { throwIfNoEntry: false }) !== undefined) return "present";
    throw storeWriteError(`run ${id} into`, layout.runsDir, error);
  }
  const runFile = layout.runFile(id);
  try {
    appendIndex(layout.indexFile, [{ id, key: fileKey(statSync(runFile)), record }]);
  } catch {
    // The index is a cache; the run file is the truth.
  }
  return "copied";
}
