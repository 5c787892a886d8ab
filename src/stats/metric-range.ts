/** The values a metric can take: `low`/`high` may be infinite (MAE has no upper bound, R² no lower one). */
export interface MetricRange {
  low: number;
  high: number;
}

const unit = new Set(["f1", "f1_macro", "f1_micro", "f1_weighted", "accuracy", "precision", "recall"]);
const nonNegative = new Set(["mae", "rmse", "mse", "median_absolute_error", "mape", "loss"]);

/**
 * The range of a metric named as runs record it (`test_f1`, `val_mae`, `f1`; the split prefix is
 * ignored): [0, 1] for F1, accuracy, precision, recall and rates; [0, ∞) for errors; (−∞, 1] for R²;
 * (−∞, ∞) for anything unknown.
 * @example metricRange("test_r2") // { low: -Infinity, high: 1 }
 */
export function metricRange(name: string): MetricRange {
  const base = name.replace(/^(val|test)_/, "");
  if (unit.has(base) || base.endsWith("_rate") || base.endsWith("precision_at_k")) return { low: 0, high: 1 };
  if (nonNegative.has(base)) return { low: 0, high: Number.POSITIVE_INFINITY };
  if (base === "r2") return { low: Number.NEGATIVE_INFINITY, high: 1 };
  return { low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY };
}
