import { metricRange, seedInterval } from "../../stats/index.js";
import type { RunRecord } from "../../tracker/types.js";
import type { Estimate } from "../figure-spec.js";
import type { ResultRow } from "../report-model.js";
import type { ResultRun } from "./load-study.js";

/**
 * Mean, seed std and 95% interval over seeds (stats' `seedInterval`: inside the metric's range) of a
 * summary value of some runs (undefined when none has it).
 */
export function estimateOf(runs: readonly RunRecord[], key: string): Estimate | undefined {
  const values = runs
    .map((run) => run.summary[key])
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (values.length === 0) return undefined;
  const aggregate = seedInterval(values, metricRange(key));
  return {
    mean: aggregate.mean,
    low: aggregate.ciLow,
    high: aggregate.ciHigh,
    n: aggregate.n,
    std: aggregate.std,
  };
}

/** The results-table columns for a task, the selection metric first. */
export function metricColumns(task: string, base: string): string[] {
  const standard = task === "regression" ? ["mae", "rmse", "r2"] : ["f1", "f1_macro", "accuracy"];
  return [`test_${base}`, ...standard.filter((name) => name !== base).map((name) => `test_${name}`)];
}

/** One row per result group with every column's estimate over seeds, best first by the selection metric. */
export function resultsTable(
  runs: readonly ResultRun[],
  columns: readonly string[],
  primary: string,
  higherIsBetter: boolean,
): ResultRow[] {
  const groups = [...new Set(runs.map((run) => run.group))];
  const rows = groups.map((group) => {
    const records = runs.filter((run) => run.group === group).map((run) => run.record);
    const metrics: Record<string, Estimate> = {};
    for (const column of columns) {
      const estimate = estimateOf(records, column);
      if (estimate) metrics[column] = estimate;
    }
    return { system: group, metrics };
  });
  const score = (row: ResultRow) => {
    const mean = row.metrics[primary]?.mean;
    if (mean === undefined) return Number.NEGATIVE_INFINITY;
    return higherIsBetter ? mean : -mean;
  };
  return rows.sort((a, b) => score(b) - score(a));
}
