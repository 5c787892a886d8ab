import { medianAbsoluteError } from "../../metrics/index.js";
import {
  maeOf,
  type RegressionPoint,
  residualOf,
  type SystemPredictions,
} from "../figures/regression-predictions.js";
import type { PredictionErrorRow } from "../report-model.js";
import type { ResultRun } from "./load-study.js";

/**
 * Each result group's numeric test predictions, pooled over its runs (seeds) as the confusion matrices
 * and significance tests pool them, in `groups` order. Groups without any are left out.
 */
export function testPredictionsByGroup(
  results: readonly ResultRun[],
  groups: readonly string[],
): SystemPredictions[] {
  return groups.flatMap((group) => {
    const points: RegressionPoint[] = results
      .filter((run) => run.group === group)
      .flatMap((run) =>
        run.predictions.flatMap((p) => {
          const actual = Number(p.y_true);
          const predicted = Number(p.y_pred);
          if (p.split !== "test" || !Number.isFinite(actual) || !Number.isFinite(predicted)) return [];
          return [{ id: p.id, seed: run.seed, actual, predicted }];
        }),
      );
    return points.length > 0 ? [{ system: group, points }] : [];
  });
}

/** One summary row per system: MAE, median absolute error, bias and the largest miss. */
export function predictionErrorRows(systems: readonly SystemPredictions[]): PredictionErrorRow[] {
  return systems.map(({ system, points }) => {
    let worst: RegressionPoint | null = null;
    let residualSum = 0;
    for (const point of points) {
      residualSum += residualOf(point);
      if (worst === null || Math.abs(residualOf(point)) > Math.abs(residualOf(worst))) worst = point;
    }
    return {
      system,
      n: points.length,
      mae: maeOf(points),
      medianAbsoluteError: medianAbsoluteError(
        points.map((p) => p.actual),
        points.map((p) => p.predicted),
      ),
      meanResidual: residualSum / points.length,
      worst: worst === null ? null : { ...worst },
    };
  });
}
