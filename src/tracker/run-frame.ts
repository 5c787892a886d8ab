import type { DataFrame } from "danfojs";
import { loadDanfo } from "../util/load-danfo.js";
import { flatten } from "./run-fields.js";
import type { JsonValue, RunRecord, RunWithSeries } from "./types.js";

type Cell = string | number | boolean | null;

/** One flat row per run: id, experiment, name, status, times, seed, `params.*`, `summary.*`, `tags.*`. */
export function runRows(runs: RunRecord[]): Record<string, Cell>[] {
  const rows = runs.map((run) => {
    const row: Record<string, Cell> = {
      id: run.id,
      experiment: run.experiment,
      name: run.name,
      status: run.status,
      createdAt: run.createdAt,
      endedAt: run.endedAt,
      seed: run.seed,
    };
    for (const [key, value] of Object.entries(flatten(run.params))) row[`params.${key}`] = value;
    const metrics = { ...(run.latest ?? {}), ...run.summary } as Record<string, JsonValue>;
    for (const [key, value] of Object.entries(metrics)) row[`summary.${key}`] = value as Cell;
    for (const [key, value] of Object.entries(run.tags)) row[`tags.${key}`] = value;
    return row;
  });
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
}

/** The runs as a danfo DataFrame (one row per run; see `runRows`). */
export async function runsFrame(runs: RunRecord[]): Promise<DataFrame> {
  const dfd = await loadDanfo("runsFrame");
  const rows = runRows(runs);
  if (rows.length === 0) {
    return new dfd.DataFrame([], {
      columns: ["id", "experiment", "name", "status", "createdAt", "endedAt", "seed"],
    });
  }
  return new dfd.DataFrame(rows);
}

/** A run's metric series in long form: columns metric, step, value, time (optionally only some metrics). */
export async function seriesFrame(run: RunWithSeries, metrics?: string[]): Promise<DataFrame> {
  const dfd = await loadDanfo("seriesFrame");
  const names = metrics ?? Object.keys(run.series).sort();
  const columns: { metric: string[]; step: number[]; value: number[]; time: number[] } = {
    metric: [],
    step: [],
    value: [],
    time: [],
  };
  for (const name of names) {
    for (const point of run.series[name] ?? []) {
      columns.metric.push(name);
      columns.step.push(point.step);
      columns.value.push(point.value);
      columns.time.push(point.time);
    }
  }
  if (columns.metric.length === 0)
    return new dfd.DataFrame([], { columns: ["metric", "step", "value", "time"] });
  return new dfd.DataFrame(columns);
}
