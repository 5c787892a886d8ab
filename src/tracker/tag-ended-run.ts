import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { InputError, StoreError } from "../util/errors.js";
import { fileKey, readRunFile } from "./run-document.js";
import { appendIndex } from "./run-index.js";
import { storeWriteError } from "./store-io-error.js";
import { type StoreLayout, storeTempPath } from "./store-layout.js";

/**
 * Merges tags into a run that has ended (no live writer can overwrite them), with an atomic rewrite
 * of its run file (and records `artifacts` stored after the run ended). Used, for example, to mark a study run that repeats an earlier one as a duplicate.
 */
export function tagEndedRun(
  layout: StoreLayout,
  id: string,
  tags: Record<string, string | boolean>,
  artifacts: string[] = [],
): void {
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== "string" && typeof value !== "boolean") {
      throw new InputError(`tag "${key}" must be a string or boolean, got ${typeof value}`);
    }
  }
  const path = layout.runFile(id);
  const read = readRunFile(path);
  if (!read.ok) throw new StoreError(`cannot tag run ${id}: ${path} (${read.error})`);
  if (read.record.status === "running") {
    throw new StoreError(`cannot tag run ${id}: it is still running; tag it from its own process`);
  }
  const record = {
    ...read.record,
    tags: Object.assign(Object.create(null), read.record.tags, tags),
    artifacts: [
      ...read.record.artifacts,
      ...artifacts.filter((name) => !read.record.artifacts.includes(name)),
    ],
  };
  const temp = storeTempPath(path);
  try {
    writeFileSync(temp, JSON.stringify(record, null, 2));
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw storeWriteError(`the tags of run ${id} to`, path, error);
  }
  appendIndex(layout.indexFile, [{ id, key: fileKey(statSync(path)), record }]);
}
