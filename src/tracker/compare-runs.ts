import { flatten } from "./run-fields.js";
import type { JsonValue, RunRecord } from "./types.js";

/** A cell of a comparison table. */
export type ComparisonCell = string | number | boolean | null;

/** One param or metric across the compared runs (one value per run, in run order; null when absent). */
export interface ComparisonRow {
  key: string;
  values: ComparisonCell[];
}

/** An extra table of a comparison (the paired significance tests of `compare(ids, { paired: true })`). */
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
  /** Extra tables: with `paired: true`, the paired tests on the runs' shared test predictions. */
  sections: ComparisonSection[];
}

/** Options of `tracker.compare`. */
export interface CompareOptions {
  /**
   * Add the paired tests of the first run against each other run on their shared test predictions
   * (`predictions.jsonl`): McNemar, paired bootstrap CI of the difference, permutation p and its Holm
   * adjustment, as `expbook compare` prints them. Runs without predictions are left out of the table.
   */
  paired?: boolean;
  /** Seed of the bootstrap and permutation resamples (default 0, as `expbook compare`). */
  seed?: number;
  /** Positive class of binary F1 (default: the runs' recorded `positive_label`). */
  positiveLabel?: string;
  /** Bootstrap and permutation resamples (default 10 000). */
  resamples?: number;
}

function cell(value: JsonValue | undefined): ComparisonCell {
  if (value === undefined) return null;
  return value !== null && typeof value === "object" ? JSON.stringify(value) : value;
}

/** Builds the side-by-side comparison of runs (pure; params and metrics only). */
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
