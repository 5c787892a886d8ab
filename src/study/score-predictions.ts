import { scoreClassification, scoreRegression } from "../metrics/index.js";
import type { PredictionRow } from "./prediction-rows.js";

/** Scores prediction rows with the project's metric names, prefixed (`test_f1`, `val_mae`, ...). */
export function scorePredictionRows(
  prefix: "val" | "test",
  rows: readonly PredictionRow[],
  task: "classification" | "regression",
  labels: readonly string[],
  positiveLabel?: string,
): Record<string, number> {
  if (rows.length === 0) return {};
  const scores: Record<string, number> =
    task === "classification"
      ? {
          ...scoreClassification(
            rows.map((row) => String(row.y_true)),
            rows.map((row) => String(row.y_pred)),
            { labels, ...(positiveLabel ? { positiveLabel } : {}) },
          ),
        }
      : {
          ...scoreRegression(
            rows.map((row) => Number(row.y_true)),
            rows.map((row) => Number(row.y_pred)),
          ),
        };
  return Object.fromEntries(Object.entries(scores).map(([name, value]) => [`${prefix}_${name}`, value]));
}
