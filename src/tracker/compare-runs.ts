import { flatten } from "./run-fields.js";
import type { JsonValue, RunRecord, RunWithSeries } from "./types.js";

/** A cell of a comparison table. */
export type ComparisonCell = string | number | boolean | null;

/** One param or metric across the compared runs (one value per run, in run order; null when absent). */
export interface ComparisonRow {
  key: string;
  values: ComparisonCell[];
}

/** An extra table contributed by a comparison hook (e.g. paired significance tests). */
export interface ComparisonSection {
  title: string;
  columns: string[];
  rows: ComparisonCell[][];
}

/** What `tracker.compare` returns. */
export interface Comparison {
  runs: { id: string; experiment: string; name: string; status: string }[];
  /** Params whose values differ between the runs (flattened with dots). */
  params: ComparisonRow[];
  /** How many params are identical across all runs. */
  sameParams: number;
  /** Every summary metric (falling back to the last logged value), side by side. */
  metrics: ComparisonRow[];
  /** Tables added by comparison hooks. */
  sections: ComparisonSection[];
}

/** A function that adds tables to a comparison; gets the runs with their series loaded. */
export type ComparisonHook = (
  runs: RunWithSeries[],
  comparison: Comparison,
) => ComparisonSection[] | Promise<ComparisonSection[]>;

const hooks: ComparisonHook[] = [];

/**
 * Registers a hook that `compareRuns` (and so `expbook compare`) calls after building the basic
 * comparison; returns a function that removes it.
 */
export function addComparisonHook(hook: ComparisonHook): () => void {
  hooks.push(hook);
  return () => {
    const at = hooks.indexOf(hook);
    if (at >= 0) hooks.splice(at, 1);
  };
}

function cell(value: JsonValue | undefined): ComparisonCell {
  if (value === undefined) return null;
  return value !== null && typeof value === "object" ? JSON.stringify(value) : value;
}

/** Builds the side-by-side comparison of runs (pure; no hooks). */
export function compareRecords(runs: RunRecord[]): Comparison {
  const flatParams = runs.map((run) => flatten(run.params));
  const paramKeys = [...new Set(flatParams.flatMap((params) => Object.keys(params)))].sort();
  const params: ComparisonRow[] = [];
  let sameParams = 0;
  for (const key of paramKeys) {
    const values = flatParams.map((p) => cell(Object.hasOwn(p, key) ? p[key] : undefined));
    const texts = new Set(
      flatParams.map((p) => (Object.hasOwn(p, key) ? JSON.stringify(p[key]) : "<absent>")),
    );
    if (texts.size > 1) params.push({ key, values });
    else sameParams++;
  }
  const metricKeys = [
    ...new Set(runs.flatMap((run) => [...Object.keys(run.summary), ...Object.keys(run.latest ?? {})])),
  ].sort();
  const metrics = metricKeys.map((key) => ({
    key,
    values: runs.map((run) => {
      if (Object.hasOwn(run.summary, key)) return cell(run.summary[key]);
      const latest = run.latest ?? {};
      return Object.hasOwn(latest, key) ? cell(latest[key]) : null;
    }),
  }));
  return {
    runs: runs.map((run) => ({ id: run.id, experiment: run.experiment, name: run.name, status: run.status })),
    params,
    sameParams,
    metrics,
    sections: [],
  };
}

/** Compares runs and appends the tables of every registered hook. */
export async function compareRuns(runs: RunWithSeries[]): Promise<Comparison> {
  const comparison = compareRecords(runs);
  for (const hook of hooks) comparison.sections.push(...(await hook(runs, comparison)));
  return comparison;
}
