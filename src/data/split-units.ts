import type { Example, MetaValue } from "./types.js";

/** Rows that must stay together in one split: identical texts, and (for group splits) one group value. */
export interface SplitUnit {
  rows: Example[];
  /** The unit's most common label (ties: the alphabetically first), for stratification. */
  label?: string;
}

function find(parent: Int32Array, index: number): number {
  let root = index;
  while (parent[root] !== root) root = parent[root] as number;
  while (parent[index] !== root) {
    const next = parent[index] as number;
    parent[index] = root;
    index = next;
  }
  return root;
}

function unionByKey(parent: Int32Array, keys: ReadonlyArray<string | undefined>): void {
  const first = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === undefined) return;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, index);
    else parent[find(parent, index)] = find(parent, seen);
  });
}

function majorityLabel(rows: readonly Example[]): string | undefined {
  const counts = new Map<string, number>();
  for (const row of rows)
    if (row.label !== undefined) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = -1;
  for (const [label, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (count > bestCount) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}

/** Canonical text of a grouping value (so 1 and "1" are one group). */
export function groupKey(value: MetaValue | undefined): string {
  return value === undefined || value === null ? "\u0000null" : String(value);
}

/**
 * Builds the units of a split, in dataset order: rows with identical text are joined (so no text is
 * ever in two splits), and so are rows with the same value of `groupBy` when given.
 * Returns the units and how many identical-text groups of two or more rows were joined.
 */
export function buildSplitUnits(
  rows: readonly Example[],
  groupBy?: string,
): { units: SplitUnit[]; duplicateTextGroups: number } {
  const parent = Int32Array.from(rows, (_, index) => index);
  const textKeys = rows.map((row) => row.text);
  unionByKey(parent, textKeys);
  if (groupBy !== undefined)
    unionByKey(
      parent,
      rows.map((row) => groupKey(row.meta[groupBy])),
    );

  const textCounts = new Map<string, number>();
  for (const text of textKeys) if (text !== undefined) textCounts.set(text, (textCounts.get(text) ?? 0) + 1);
  let duplicateTextGroups = 0;
  for (const count of textCounts.values()) if (count >= 2) duplicateTextGroups++;

  const byRoot = new Map<number, Example[]>();
  rows.forEach((row, index) => {
    const root = find(parent, index);
    const members = byRoot.get(root);
    if (members) members.push(row);
    else byRoot.set(root, [row]);
  });
  const units = [...byRoot.values()].map((members) => {
    const label = majorityLabel(members);
    return label === undefined ? { rows: members } : { rows: members, label };
  });
  return { units, duplicateTextGroups };
}
