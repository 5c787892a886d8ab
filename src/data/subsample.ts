import { DatasetError } from "../util/errors.js";
import { createRng } from "../util/random.js";
import { largestRemainder } from "./allocate.js";
import type { Example } from "./types.js";

/**
 * A seeded subsample of `n` labelled rows for learning curves. Classification keeps every class's
 * share (largest remainder) and at least one row of each class when n allows; rows keep their order.
 */
export function subsampleRows(rows: readonly Example[], n: number, seed: number): Example[] {
  if (!Number.isInteger(n) || n < 1)
    throw new DatasetError(`labelled size ${n} must be a whole number of at least 1`);
  if (n >= rows.length) return [...rows];
  const rng = createRng(seed).fork("subsample");
  const byLabel = new Map<string, Example[]>();
  for (const row of rows) {
    const key = row.label ?? "";
    byLabel.set(key, [...(byLabel.get(key) ?? []), row]);
  }
  const labels = [...byLabel.keys()].sort();
  const sizes = labels.map((label) => byLabel.get(label)?.length ?? 0);
  let counts = largestRemainder(
    n,
    sizes.map((size) => size / rows.length),
  );
  if (n >= labels.length) {
    // Every class gets at least one example; take them from the largest classes.
    counts = counts.map((count) => Math.max(count, 1));
    while (counts.reduce((a, b) => a + b, 0) > n) {
      const largest = counts.indexOf(Math.max(...counts));
      counts[largest] = (counts[largest] as number) - 1;
    }
  }
  const chosen = new Set<Example>();
  labels.forEach((label, index) => {
    const pool = rng.fork(label).shuffle([...(byLabel.get(label) ?? [])]);
    for (const row of pool.slice(0, counts[index])) chosen.add(row);
  });
  return rows.filter((row) => chosen.has(row));
}
