import { compareCodePoints } from "../metrics/validate.js";

/** One slice's metric value and example count (`value` is NaN for an empty slice). */
export interface SliceMetric {
  slice: string;
  n: number;
  value: number;
}

/**
 * A metric per value of a column (party, collection, era...), sorted by slice name. Rows whose slice is
 * null/undefined are left out. Slices listed in `options.slices` but without rows come back with n = 0
 * and value NaN, so a slice missing from the test set is visible rather than silently absent.
 */
export function sliceMetrics<T>(
  rows: readonly T[],
  sliceOf: (row: T) => string | number | boolean | null | undefined,
  metric: (rows: T[]) => number,
  options: { slices?: readonly string[] } = {},
): SliceMetric[] {
  const groups = new Map<string, T[]>();
  for (const name of options.slices ?? []) groups.set(name, []);
  for (const row of rows) {
    const key = sliceOf(row);
    if (key === null || key === undefined) continue;
    const name = String(key);
    const group = groups.get(name);
    if (group) group.push(row);
    else groups.set(name, [row]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([slice, members]) => ({
      slice,
      n: members.length,
      value: members.length === 0 ? Number.NaN : metric(members),
    }));
}
