import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { findBuiltin } from "../data/builtin/registry.js";
import { type LoadDatasetOptions, loadDataset } from "../data/load-dataset.js";
import { DatasetOptionError } from "../data/option-words.js";
import { makeSplit, type SplitOptions } from "../data/split.js";
import type { Dataset } from "../data/types.js";
import { findProjectRoot } from "../util/project-root.js";
import { stageOf } from "../tracker/records/run-tags.js";
import type { Tracker } from "../tracker/tracker.js";
import type { JsonValue, RunRecord } from "../tracker/types.js";
import { InputError } from "../util/errors.js";
import { isSystemKind } from "./builtin-systems.js";
import { fitSystem } from "./fit-system.js";
import { loadSystemModule } from "./system-module.js";

/** One metric of the original run next to the rerun's. */
export interface MetricMatch {
  name: string;
  original: number | string | boolean | undefined;
  rerun: number | string | boolean | undefined;
  equal: boolean;
}

/** A fact about how a run was made that differs between the original and the rerun. */
export interface ChangedFact {
  what: string;
  original: string;
  rerun: string;
}

/** The data a run was made from changed since (its rows have a new fingerprint). */
export interface ChangedData {
  dataset: string;
  original: string;
  current: string;
}

/** How to rerun. */
export interface RerunOptions {
  /** Rerun even when the dataset's fingerprint differs from the run's (the file was edited since). */
  allowChangedData?: boolean;
  /** Receives the dataset's loading warnings and notes (default: stderr). */
  onNotice?: LoadDatasetOptions["onNotice"];
}

/** What `expbook rerun` found. */
export interface RerunReport {
  runId: string;
  rerunId: string;
  /** Set when the data changed since the run and the rerun went ahead (`allowChangedData`). */
  dataChanged?: ChangedData;
  identical: boolean;
  metrics: MetricMatch[];
  changed: ChangedFact[];
}

const recordedKeys = new Set([
  "kind",
  "system",
  "module",
  "module_hash",
  "dataset",
  "split",
  "labelled",
  "score_test",
]);

function asObject(value: JsonValue | undefined, what: string, runId: string): Record<string, JsonValue> {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(
      `run ${runId} has no recorded ${what}, so it cannot be rerun (was it made by \`expbook fit\` or \`expbook run\`?)`,
    );
  }
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

/** The provenance facts that can explain a difference, original vs rerun. */
export function changedFacts(original: RunRecord, rerun: RunRecord): ChangedFact[] {
  const facts: Array<[string, unknown, unknown]> = [
    ["git commit", original.env.gitCommit, rerun.env.gitCommit],
    ["working tree dirty", original.env.gitDirty, rerun.env.gitDirty],
    ["uncommitted diff", original.env.gitDiffHash, rerun.env.gitDiffHash],
    ["data fingerprint", original.datasetFingerprint, rerun.datasetFingerprint],
    ["system module source", original.params.module_hash, rerun.params.module_hash],
    ["split fingerprint", original.splitFingerprint, rerun.splitFingerprint],
    // The summary holds the backend the run ended on (a system may switch after the start), env the start.
    ["backend", original.summary.backend ?? original.env.backend, rerun.summary.backend ?? rerun.env.backend],
    ["tfjs version", original.env.tfjsVersion, rerun.env.tfjsVersion],
    ["node version", original.env.node, rerun.env.node],
    ["expbook version", original.env.expbookVersion, rerun.env.expbookVersion],
    ["OS", original.env.os, rerun.env.os],
    ["CPU", original.env.cpu, rerun.env.cpu],
  ];
  return facts
    .filter(([, a, b]) => !sameValue(a ?? null, b ?? null))
    .map(([what, a, b]) => ({ what, original: String(a ?? "none"), rerun: String(b ?? "none") }));
}

/**
 * The recorded dataset name as a loadable path: a built-in as is, a project-relative path from the project
 * root (so a rerun works from any folder), and a name recorded before paths were project-relative as is.
 */
function recordedPath(name: string): string {
  if (findBuiltin(name) || isAbsolute(name)) return name;
  const fromRoot = resolve(findProjectRoot(), name);
  return existsSync(fromRoot) ? fromRoot : name;
}

function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}

/** Throws unless the dataset has the run's fingerprint or changed data is allowed; says what changed. */
function checkData(original: RunRecord, dataset: Dataset, allow: boolean): ChangedData | undefined {
  const recorded = original.datasetFingerprint;
  if (recorded === undefined || recorded === null || recorded === dataset.fingerprint) return undefined;
  const changed = { dataset: dataset.name, original: recorded, current: dataset.fingerprint };
  if (allow) return changed;
  throw new DatasetOptionError(
    (w) =>
      `dataset ${dataset.name} changed since run ${original.id}: fingerprint ${shortFingerprint(recorded)} → ${shortFingerprint(dataset.fingerprint)}; pass ${w("allowChangedData")} to rerun on the new rows`,
  );
}

/**
 * Re-executes a run from its recorded config, data and seed (as a new run tagged `rerun_of`), and
 * reports whether every validation and test metric matches to the last digit; when one differs,
 * names what changed (commit, data fingerprint, backend, versions). Works from any folder of the
 * project; refuses data whose fingerprint changed since the run unless `allowChangedData`.
 *
 * @example
 * const report = await rerunRun(tracker, "20250101-120000", { allowChangedData: true });
 */
export async function rerunRun(
  tracker: Tracker,
  id: string,
  options: RerunOptions = {},
): Promise<RerunReport> {
  const original = await tracker.run(id);
  if (stageOf(original) === "study") {
    throw new InputError(
      `run ${original.id} is a study record; rerun one of its system runs, or the study with \`expbook run\``,
    );
  }
  const params = original.params;
  const kind = params.kind;
  if (typeof kind !== "string")
    throw new InputError(`run ${original.id} has no recorded system kind, so it cannot be rerun`);
  if (typeof params.module !== "string" && !isSystemKind(kind)) {
    throw new InputError(
      `run ${original.id} used system kind "${kind}", which is no built-in and was fitted without a module file (a definition passed inline), so it cannot be rerun; put the system in a module (export default defineSystem(...)) and fit it with fitSystem({ kind: await loadSystemModule("path/to/it.js") }) or a study's "module"`,
    );
  }
  const { name, ...datasetOptions } = asObject(params.dataset, "dataset", original.id) as {
    name: string;
  } & Record<string, JsonValue>;
  const splitOptions = asObject(params.split, "split", original.id) as unknown as SplitOptions;
  const systemParams = Object.fromEntries(Object.entries(params).filter(([key]) => !recordedKeys.has(key)));
  const dataset = await loadDataset(recordedPath(name), {
    ...(datasetOptions as LoadDatasetOptions),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
  });
  const dataChanged = checkData(original, dataset, options.allowChangedData === true);
  const split = makeSplit(dataset, splitOptions);
  // A module system loads its module again (from the project root when recorded relative to it).
  const module =
    typeof params.module === "string" ? await loadSystemModule(recordedPath(params.module)) : undefined;
  const result = await fitSystem({
    kind: module?.definition ?? kind,
    ...(module ? { module: { path: module.path, hash: module.hash } } : {}),
    system: typeof params.system === "string" ? params.system : kind,
    params: systemParams,
    dataset,
    split,
    splitOptions,
    seed: original.seed ?? 0,
    ...(typeof params.labelled === "number" ? { labelled: params.labelled } : {}),
    scoreTest: params.score_test !== false,
    tracker,
    experiment: original.experiment,
    name: `${original.name} (rerun)`,
    tags: { stage: "rerun", rerun_of: original.id },
  });
  const rerun = await tracker.run(result.runId);
  const names = Object.keys(original.summary)
    .filter((key) => /^(val|test)_/.test(key))
    .sort();
  const metrics = names.map((metric) => ({
    name: metric,
    original: original.summary[metric],
    rerun: rerun.summary[metric],
    equal: sameValue(original.summary[metric], rerun.summary[metric]),
  }));
  const identical = metrics.length > 0 && metrics.every((metric) => metric.equal);
  return {
    runId: original.id,
    rerunId: rerun.id,
    ...(dataChanged ? { dataChanged } : {}),
    identical,
    metrics,
    changed: changedFacts(original, rerun),
  };
}
