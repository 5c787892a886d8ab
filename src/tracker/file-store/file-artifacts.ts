import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { StoreError } from "../../util/errors.js";
import { artifactFileName, STORE_TEMP_PATTERN, type StoreLayout } from "../store-layout.js";
import type { ArtifactInfo } from "../store/run-store.js";
import type { RunRecord } from "../types.js";
import { hashFile } from "./blob-store.js";

/**
 * A run's artifact names: the ones stored with `run.artifact`, then files a system wrote into the
 * artifact folder directly (named by file name, sorted).
 */
export function artifactNames(layout: StoreLayout, record: RunRecord): string[] {
  const known = new Set(record.artifacts.map(artifactFileName));
  const extra: string[] = [];
  try {
    for (const entry of readdirSync(layout.artifactDir(record.id))) {
      if (!known.has(entry) && !STORE_TEMP_PATTERN.test(entry)) extra.push(entry);
    }
  } catch {
    // no artifact folder
  }
  return [...record.artifacts, ...extra.sort()];
}

/** The file of a run's artifact; a `StoreError` naming the run and artifact when there is none. */
export function existingArtifactFile(layout: StoreLayout, id: string, name: string): string {
  const path = join(layout.artifactDir(id), artifactFileName(name));
  if (!existsSync(path)) {
    throw new StoreError(`run ${id} has no artifact "${name}"; see \`expbook show ${id}\``);
  }
  return path;
}

/** Name, SHA-256 and size of each artifact of a run that has a file (the hash is read from the bytes). */
export function artifactInfos(layout: StoreLayout, record: RunRecord): ArtifactInfo[] {
  const infos: ArtifactInfo[] = [];
  for (const name of artifactNames(layout, record)) {
    const path = join(layout.artifactDir(record.id), artifactFileName(name));
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile()) continue;
    infos.push({ name, sha256: hashFile(path), bytes: stats.size });
  }
  return infos;
}

/** An artifact's bytes. */
export function readArtifactBytes(layout: StoreLayout, id: string, name: string): Uint8Array {
  return readFileSync(existingArtifactFile(layout, id, name));
}
