import { meanAbsoluteError } from "../../metrics/index.js";
import { evenlySpaced } from "./downsample.js";

/** One test example's regression prediction. */
export interface RegressionPoint {
  id: string;
  /** Seed of the run that made the prediction (null when the run has none). */
  seed: number | null;
  actual: number;
  predicted: number;
}

/** A system's test predictions, pooled over its runs (seeds). */
export interface SystemPredictions {
  system: string;
  points: readonly RegressionPoint[];
}

/** The residual ŷ − y: positive when the system over-predicts. */
export function residualOf(point: RegressionPoint): number {
  return point.predicted - point.actual;
}

/** Mean absolute error over all the points (NaN when there are none). */
export function maeOf(points: readonly RegressionPoint[]): number {
  if (points.length === 0) return Number.NaN;
  return meanAbsoluteError(
    points.map((p) => p.actual),
    points.map((p) => p.predicted),
  );
}

/** Hover text for a point: its example id and seed, without characters plotly reads as markup. */
export function pointLabel(point: RegressionPoint): string {
  const id = point.id.replace(/[<>&]/g, " ");
  return point.seed === null ? id : `${id} (seed ${point.seed})`;
}

/**
 * At most `maxPoints` (at least 10) of a system's predictions for a scatter plot: the tenth of the
 * budget with the largest absolute errors, since those are the points a reader hovers to find, and the
 * rest evenly spaced over the actual values, so the shape across the range stays. Sorted by actual value.
 */
export function downsamplePredictions(
  points: readonly RegressionPoint[],
  maxPoints: number,
): RegressionPoint[] {
  const byActual = (a: RegressionPoint, b: RegressionPoint) => a.actual - b.actual;
  const limit = Math.max(10, Math.floor(maxPoints));
  if (points.length <= limit) return [...points].sort(byActual);
  const worstCount = Math.floor(limit / 10);
  const byError = [...points].sort((a, b) => Math.abs(residualOf(b)) - Math.abs(residualOf(a)));
  const worst = byError.slice(0, worstCount);
  const rest = byError.slice(worstCount).sort(byActual);
  return [...worst, ...evenlySpaced(rest, limit - worstCount)].sort(byActual);
}
