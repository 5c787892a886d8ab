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

/** Joins rows with equal keys; returns how many keys were shared by two or more rows. */
function unionByKey(parent: Int32Array, keys: ReadonlyArray<string | undefined>): number {
  const first = new Map<string, number>();
  let sharedKeys = 0;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    if (key === undefined) continue;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, index);
    else {
      // A negative entry marks a key already counted as shared.
      if (seen >= 0) {
        sharedKeys++;
        first.set(key, -1 - seen);
      }
      parent[find(parent, index)] = find(parent, seen >= 0 ? seen : -1 - seen);
    }
  }
  return sharedKeys;
}

function majorityLabel(rows: readonly Example[]): string | undefined {
  if (rows.length === 1) return rows[0]?.label;
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
 * Returns the units, the unit index of every row, and how many identical-text groups of two or more
 * rows were joined.
 */
export function buildSplitUnits(
  rows: readonly Example[],
  groupBy?: string,
): { units: SplitUnit[]; unitOfRow: Int32Array; duplicateTextGroups: number } {
  const parent = Int32Array.from(rows, (_, index) => index);
  const duplicateTextGroups = unionByKey(
    parent,
    rows.map((row) => row.text),
  );
  if (groupBy !== undefined)
    unionByKey(
      parent,
      rows.map((row) => groupKey(row.meta[groupBy])),
    );

  // Array-indexed grouping (no per-row Map entries): a split of 500,000 rows stays linear in time
  // and light on the garbage collector.
  const unitOfRoot = new Int32Array(rows.length).fill(-1);
  const unitOfRow = new Int32Array(rows.length);
  const members: Example[][] = [];
  rows.forEach((row, index) => {
    const root = find(parent, index);
    let unit = unitOfRoot[root] as number;
    if (unit < 0) {
      unit = members.length;
      unitOfRoot[root] = unit;
      members.push([row]);
    } else {
      (members[unit] as Example[]).push(row);
    }
    unitOfRow[index] = unit;
  });
  const units = members.map((unitRows): SplitUnit => {
    const label = majorityLabel(unitRows);
    return label === undefined ? { rows: unitRows } : { rows: unitRows, label };
  });
  return { units, unitOfRow, duplicateTextGroups };
}
