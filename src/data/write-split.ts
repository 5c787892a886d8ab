import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SplitError } from "../util/errors.js";
import type { Example, Split } from "./types.js";

/** One JSONL line of an exported split: id, text or features, label or target, then metadata. */
export function exportRow(row: Example): Record<string, unknown> {
  return {
    id: row.id,
    ...(row.text !== undefined ? { text: row.text } : {}),
    ...(row.features !== undefined ? { features: row.features } : {}),
    ...(row.label !== undefined ? { label: row.label } : {}),
    ...(row.target !== undefined ? { target: row.target } : {}),
    meta: row.meta,
  };
}

function jsonl(rows: readonly Example[]): string {
  return rows.map((row) => `${JSON.stringify(exportRow(row))}\n`).join("");
}

/**
 * Writes train.jsonl, val.jsonl, test.jsonl (and update.jsonl when present) plus split.json to `dir`.
 * The files are written to a temporary folder beside `dir` and moved in at the end, so a failure leaves
 * `dir` untouched. Output is byte-identical for the same split.
 */
export function writeSplit(split: Split, dir: string): string[] {
  const target = resolve(dir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new SplitError(`--out ${dir} is a file; give a folder (new or empty) to write the split to`);
  }
  if (
    existsSync(target) &&
    readdirSync(target).some((name) => !/^(train|val|test|update)\.jsonl$|^split\.json$/.test(name))
  ) {
    throw new SplitError(`--out ${dir} holds other files; choose an empty or new folder`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), ".expbook-split-"));
  try {
    const files: Record<string, string> = {
      "train.jsonl": jsonl(split.train),
      "val.jsonl": jsonl(split.val),
      "test.jsonl": jsonl(split.test),
      ...(split.update.length > 0 ? { "update.jsonl": jsonl(split.update) } : {}),
      "split.json": `${JSON.stringify(split.info, null, 2)}\n`,
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(target)) rmSync(join(target, name));
    for (const name of Object.keys(files)) renameSync(join(staging, name), join(target, name));
    return Object.keys(files).map((name) => join(target, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
