import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { DatasetError } from "../util/errors.js";
import { findBuiltin, builtinDatasets } from "./builtin/registry.js";
import { type FileColumns, loadFileRows } from "./file-dataset.js";
import { fingerprintRows } from "./fingerprint.js";
import type { Dataset, Example, Task } from "./types.js";

/** How to load a dataset: options for built-ins, column names for user files. */
export interface LoadDatasetOptions extends FileColumns {
  /** Task for datasets that support several (sotu: regression on year or classification on party). */
  task?: Task;
  /** spam-assassin: keep e-mail headers (they leak the label). */
  keepHeaders?: boolean;
}

const cache = new Map<string, Dataset>();

function looksLikePath(name: string): boolean {
  return name.includes("/") || /\.(csv|tsv|jsonl|ndjson)$/i.test(name);
}

function sortedLabels(task: Task, rows: readonly Example[]): string[] {
  if (task !== "classification") return [];
  return [...new Set(rows.map((row) => row.label as string))].sort();
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
  return {
    name,
    task,
    labels: sortedLabels(task, rows),
    metaColumns: [],
    ...extra,
    rows,
    fingerprint: fingerprintRows(rows),
    source,
  };
}

/**
 * Loads a built-in dataset by name or a user CSV/JSONL file by path. Results are cached per process,
 * so call it freely; treat the returned rows as read-only.
 *
 * @example
 * const spam = await loadDataset("spam-assassin");
 * const parties = await loadDataset("sotu", { task: "classification" });
 * const mine = await loadDataset("data/reviews.csv", { text: "review", label: "stars" });
 */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const key = JSON.stringify([name, options]);
  const cached = cache.get(key);
  if (cached) return cached;
  const dataset = loadUncached(name, options);
  cache.set(key, dataset);
  return dataset;
}

function loadUncached(name: string, options: LoadDatasetOptions): Dataset {
  const builtin = findBuiltin(name);
  if (builtin) {
    if (options.task && !builtin.tasks.includes(options.task)) {
      throw new DatasetError(
        `dataset ${name} supports task ${builtin.tasks.join(" or ")}, not ${options.task}`,
      );
    }
    const loaded = builtin.load(options);
    return assemble(name, loaded.source, loaded.task, loaded.rows, {
      ...(loaded.positiveLabel ? { positiveLabel: loaded.positiveLabel } : {}),
      ...(loaded.featureNames ? { featureNames: loaded.featureNames } : {}),
      metaColumns: loaded.metaColumns,
    });
  }
  if (!looksLikePath(name) && !existsSync(name)) {
    const names = builtinDatasets.map((dataset) => dataset.name).join(", ");
    throw new DatasetError(`unknown dataset "${name}"; use one of ${names}, or a path to a .csv/.jsonl file`);
  }
  const path = resolve(name);
  const loaded = loadFileRows(path, options);
  if (options.task && options.task !== loaded.task) {
    throw new DatasetError(
      `${name}: --task ${options.task} does not match the ${options.label ? "--label" : "--target"} column given`,
    );
  }
  return assemble(name, path, loaded.task, loaded.rows, {
    ...(loaded.featureNames ? { featureNames: loaded.featureNames } : {}),
    metaColumns: loaded.metaColumns,
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
