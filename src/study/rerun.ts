import { loadDataset } from "../data/load-dataset.js";
import { makeSplit, type SplitOptions } from "../data/split.js";
import type { Tracker } from "../tracker/tracker.js";
import type { JsonValue, RunRecord } from "../tracker/types.js";
import { InputError } from "../util/errors.js";
import { fitSystem } from "./fit-system.js";

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

/** What `expbook rerun` found. */
export interface RerunReport {
  runId: string;
  rerunId: string;
  identical: boolean;
  metrics: MetricMatch[];
  changed: ChangedFact[];
}

const recordedKeys = new Set(["kind", "system", "dataset", "split", "labelled", "score_test"]);

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
    ["split fingerprint", original.splitFingerprint, rerun.splitFingerprint],
    ["backend", original.env.backend ?? original.summary.backend, rerun.env.backend ?? rerun.summary.backend],
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
 * Re-executes a run from its recorded config, data and seed (as a new run tagged `rerun_of`), and
 * reports whether every validation and test metric matches to the last digit; when one differs,
 * names what changed (commit, data fingerprint, backend, versions).
 */
export async function rerunRun(tracker: Tracker, id: string): Promise<RerunReport> {
  const original = await tracker.run(id);
  if (original.tags.stage === "study") {
    throw new InputError(
      `run ${original.id} is a study record; rerun one of its system runs, or the study with \`expbook run\``,
    );
  }
  const params = original.params;
  const kind = params.kind;
  if (typeof kind !== "string")
    throw new InputError(`run ${original.id} has no recorded system kind, so it cannot be rerun`);
  const { name, ...datasetOptions } = asObject(params.dataset, "dataset", original.id) as {
    name: string;
  } & Record<string, JsonValue>;
  const splitOptions = asObject(params.split, "split", original.id) as unknown as SplitOptions;
  const systemParams = Object.fromEntries(Object.entries(params).filter(([key]) => !recordedKeys.has(key)));
  const dataset = await loadDataset(name, datasetOptions);
  const split = makeSplit(dataset, splitOptions);
  const result = await fitSystem({
    kind,
    system: typeof params.system === "string" ? params.system : kind,
    params: systemParams,
    dataset,
    datasetOptions,
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
    identical,
    metrics,
    changed: changedFacts(original, rerun),
  };
}
