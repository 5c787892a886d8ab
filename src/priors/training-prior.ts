import type { Example } from "../data/types.js";

/** The most frequent label (ties: the first in sorted label order); the first label when none. */
export function majorityLabel(rows: readonly Example[], labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const row of rows)
    if (row.label !== undefined) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  let best = labels[0] ?? "";
  for (const label of [...labels].sort())
    if ((counts.get(label) ?? 0) > (counts.get(best) ?? 0)) best = label;
  return best;
}

/** The mean target of the rows (0 when none has a target). */
export function meanTarget(rows: readonly Example[]): number {
  let sum = 0;
  let n = 0;
  for (const row of rows) {
    if (row.target === undefined) continue;
    sum += row.target;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}
