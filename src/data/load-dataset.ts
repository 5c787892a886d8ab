import { existsSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { DatasetError } from "../util/errors.js";
import { canonicalJson, sha256 } from "../util/hash.js";
import { findProjectRoot } from "../util/project-root.js";
import { type BuiltinDataset, builtinDatasets, findBuiltin } from "./builtin/registry.js";
import { parseFileRows, readDatasetBytes } from "./file-dataset.js";
import { fingerprintRows } from "./fingerprint.js";
import { DatasetOptionError } from "./option-words.js";
import type { Dataset, DatasetNotice, DatasetOptions, Example, Task } from "./types.js";

/** How to load a dataset (see {@link DatasetOptions}), plus where its notices go. */
export interface LoadDatasetOptions extends DatasetOptions {
  /** Receives each warning and note (default: one line on stderr, `warning: ...` or `note: ...`). */
  onNotice?: (notice: DatasetNotice) => void;
}

/** The most loaded datasets kept in memory; older ones are dropped first. */
const MAX_CACHED = 16;

/**
 * Loaded datasets keyed by content: a built-in's name, or a file's byte hash, plus the options. A file's
 * hash is reused while its size, mtime, ctime and inode stay the same, and recomputed when one changes,
 * so an edited file is read again and an untouched one is not.
 */
const datasets = new Map<string, Dataset>();
const fileStates = new Map<
  string,
  { size: number; mtimeMs: number; ctimeMs: number; ino: number; sha: string }
>();

function remember(key: string, dataset: Dataset): void {
  datasets.delete(key);
  datasets.set(key, dataset);
  for (const oldest of datasets.keys()) {
    if (datasets.size <= MAX_CACHED) break;
    datasets.delete(oldest);
  }
}

function looksLikePath(name: string): boolean {
  return name.includes("/") || name.includes("\\") || /\.(csv|tsv|jsonl|ndjson)$/i.test(name);
}

function sortedLabels(task: Task, rows: readonly Example[]): string[] {
  if (task !== "classification") return [];
  return [...new Set(rows.map((row) => row.label as string))].sort();
}

function checkPositiveLabel(name: string, labels: readonly string[], positive: string | undefined): void {
  if (positive === undefined) return;
  if (!labels.includes(positive)) {
    throw new DatasetOptionError(
      (w) =>
        `dataset ${name}: ${w("positiveLabel", positive)} is not one of its classes: ${labels.join(", ")}`,
    );
  }
  if (labels.length !== 2) {
    throw new DatasetOptionError(
      (w) =>
        `dataset ${name}: ${w("positiveLabel", positive)} applies to two classes, and it has ${labels.length}: ${labels.join(", ")}; leave it out to report macro F1`,
    );
  }
}

function assemble(
  name: string,
  source: string,
  task: Task,
  rows: Example[],
  extra: Partial<Dataset>,
): Dataset {
  if (rows.length === 0)
    throw new DatasetError(`dataset ${name} has no rows; add data or pick another dataset`);
  const labels = sortedLabels(task, rows);
  checkPositiveLabel(name, labels, extra.positiveLabel);
  return {
    name,
    task,
    labels,
    metaColumns: [],
    ...extra,
    rows,
    fingerprint: extra.fingerprint ?? fingerprintRows(rows),
    source,
  };
}

function dataOptions(options: LoadDatasetOptions): DatasetOptions {
  const { onNotice: _onNotice, ...rest } = options;
  return Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  ) as DatasetOptions;
}

function printNotice(notice: DatasetNotice): void {
  process.stderr.write(`${notice.level}: ${notice.message}\n`);
}

/**
 * The file a dataset name points to: absolute as given; a relative path from the working directory when
 * it exists there, else from the project root (so `data/x.csv` works from a notebook in `notebooks/`).
 */
export function resolveDatasetPath(name: string, cwd: string = process.cwd()): string {
  if (isAbsolute(name)) return name;
  const here = resolve(cwd, name);
  if (existsSync(here)) return here;
  const fromRoot = resolve(findProjectRoot(cwd), name);
  return existsSync(fromRoot) ? fromRoot : here;
}

/** A file's name as runs record it: relative to the project root with "/" separators, or absolute outside it. */
export function projectRelativePath(path: string, root: string = findProjectRoot()): string {
  const inside = relative(root, path);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return path;
  return inside.split(sep).join("/");
}

/**
 * Loads a built-in dataset by name or a user CSV/TSV/JSONL file by path (relative to the working
 * directory or the project root). Results are cached by content: an edited file gives new rows and a
 * new fingerprint in the same process. Treat the returned rows as read-only. Warnings and notes go to
 * `onNotice` (default stderr) on every call and stay on `dataset.notices`.
 *
 * @example
 * const spam = await loadDataset("spam-assassin");
 * const parties = await loadDataset("sotu", { task: "classification" });
 * const mine = await loadDataset("data/reviews.csv", { text: "review", label: "stars", positiveLabel: "5" });
 */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const dataset = loadWithCache(name, dataOptions(options));
  for (const notice of dataset.notices ?? []) (options.onNotice ?? printNotice)(notice);
  return dataset;
}

function loadWithCache(name: string, options: DatasetOptions): Dataset {
  const builtin = findBuiltin(name);
  if (builtin) {
    const key = canonicalJson(["builtin", name, options]);
    const cached = datasets.get(key);
    if (cached) return cached;
    const dataset = loadBuiltin(name, options);
    remember(key, dataset);
    return dataset;
  }
  const path = resolveDatasetPath(name);
  if (!looksLikePath(name) && !existsSync(path)) {
    const names = builtinDatasets.map((dataset) => dataset.name).join(", ");
    throw new DatasetError(`unknown dataset "${name}"; use one of ${names}, or a path to a .csv/.jsonl file`);
  }
  if (!existsSync(path)) {
    throw new DatasetError(
      `dataset file ${name} not found${isAbsolute(name) ? "" : ` in ${process.cwd()} or the project root ${findProjectRoot()}`}; pass a built-in name (see \`expbook datasets\`) or an existing .csv/.jsonl file`,
    );
  }
  // The byte hash is trusted while size, mtime, ctime and inode are unchanged; otherwise the bytes are read.
  const stat = statSync(path);
  const known = fileStates.get(path);
  const unchanged =
    known !== undefined &&
    known.size === stat.size &&
    known.mtimeMs === stat.mtimeMs &&
    known.ctimeMs === stat.ctimeMs &&
    known.ino === stat.ino;
  const bytes = unchanged ? undefined : readDatasetBytes(path);
  const sha = bytes ? sha256(bytes) : (known?.sha as string);
  if (bytes) {
    fileStates.delete(path);
    fileStates.set(path, {
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      ctimeMs: stat.ctimeMs,
      ino: stat.ino,
      sha,
    });
    for (const oldest of fileStates.keys()) {
      if (fileStates.size <= MAX_CACHED) break;
      fileStates.delete(oldest);
    }
  }
  const recordedName = projectRelativePath(path);
  const key = canonicalJson(["file", recordedName, sha, options]);
  const cached = datasets.get(key);
  if (cached) return cached;
  const dataset = loadFile(recordedName, path, bytes ?? readDatasetBytes(path), sha, options);
  remember(key, dataset);
  return dataset;
}

/** The built-in dataset `name` after checking that `options` apply to it (a user error if not). */
function checkedBuiltin(name: string, options: DatasetOptions): BuiltinDataset {
  const builtin = findBuiltin(name);
  if (!builtin) throw new DatasetError(`unknown dataset "${name}"`);
  if (options.task && !builtin.tasks.includes(options.task)) {
    throw new DatasetError(
      `dataset ${name} supports task ${builtin.tasks.join(" or ")}, not ${options.task}`,
    );
  }
  const fileOnly = (["text", "features", "label", "target", "id"] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (fileOnly.length > 0) {
    throw new DatasetOptionError(
      (w) =>
        `dataset ${name} is built in; ${fileOnly.map((key) => w(key)).join(", ")} apply to CSV/JSONL files only`,
    );
  }
  return builtin;
}

/**
 * The metadata columns of a built-in dataset loaded with `options`, checked as `loadDataset` checks
 * them but without loading its rows; `undefined` for a file, or when a check needs the rows (a
 * `positiveLabel` must be one of the labels): then load it.
 */
export function builtinColumns(name: string, options: DatasetOptions = {}): readonly string[] | undefined {
  if (!findBuiltin(name) || options.positiveLabel !== undefined) return undefined;
  return checkedBuiltin(name, dataOptions(options)).metaColumns;
}

function loadBuiltin(name: string, options: DatasetOptions): Dataset {
  const builtin = checkedBuiltin(name, options);
  const loaded = builtin.load(options);
  const positiveLabel = options.positiveLabel ?? loaded.positiveLabel;
  return assemble(name, loaded.source, loaded.task, loaded.rows, {
    ...(loaded.fingerprint ? { fingerprint: loaded.fingerprint } : {}),
    ...(positiveLabel ? { positiveLabel } : {}),
    ...(loaded.featureNames ? { featureNames: loaded.featureNames } : {}),
    metaColumns: [...builtin.metaColumns],
    options,
    notices: [],
  });
}

function loadFile(name: string, path: string, bytes: Buffer, sha: string, options: DatasetOptions): Dataset {
  const loaded = parseFileRows(path, bytes, options, name);
  if (options.task && options.task !== loaded.task) {
    const column = options.label ? "label" : "target";
    throw new DatasetOptionError(
      (w) =>
        `${name}: ${w("task", options.task)} does not match the ${w(column, options[column])} column given`,
    );
  }
  return assemble(name, path, loaded.task, loaded.rows, {
    ...(options.positiveLabel ? { positiveLabel: options.positiveLabel } : {}),
    ...(loaded.featureNames ? { featureNames: loaded.featureNames } : {}),
    metaColumns: loaded.metaColumns,
    options: { ...options, ...loaded.columns },
    fileSha256: sha,
    notices: loaded.notices,
  });
}

/** One line per built-in dataset for `expbook datasets`. */
export interface DatasetSummary {
  name: string;
  description: string;
  task: Task;
  tasks: Task[];
  rows: number;
  classes?: Record<string, number>;
  targetRange?: { min: number; max: number };
  features?: number;
  fingerprint: string;
}

/** Summarises a loaded dataset: size, class counts or target range. */
export function summarizeDataset(dataset: Dataset, description = ""): DatasetSummary {
  const summary: DatasetSummary = {
    name: dataset.name,
    description,
    task: dataset.task,
    tasks: findBuiltin(dataset.name)?.tasks ?? [dataset.task],
    rows: dataset.rows.length,
    fingerprint: dataset.fingerprint,
  };
  if (dataset.task === "classification") {
    const classes: Record<string, number> = {};
    for (const row of dataset.rows) classes[row.label as string] = (classes[row.label as string] ?? 0) + 1;
    summary.classes = classes;
  } else {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const row of dataset.rows) {
      min = Math.min(min, row.target as number);
      max = Math.max(max, row.target as number);
    }
    summary.targetRange = { min, max };
  }
  if (dataset.featureNames) summary.features = dataset.featureNames.length;
  return summary;
}

/** Loads and summarises every built-in dataset. */
export async function listDatasets(): Promise<DatasetSummary[]> {
  const summaries: DatasetSummary[] = [];
  for (const builtin of builtinDatasets) {
    summaries.push(summarizeDataset(await loadDataset(builtin.name), builtin.description));
  }
  return summaries;
}
