import { minimizeLbfgs } from "./lbfgs.js";
import type { SparseMatrix, SparseRow } from "./sparse-matrix.js";

/** A fitted linear regression on sparse features. */
export interface RidgeModel {
  weights: Float64Array;
  intercept: number;
  iterations: number;
}

/**
 * Ridge regression, minimising ½ Σ_i (x_i·w + b − y_i)² + ½ α ‖w‖² (unpenalised intercept), solved
 * by L-BFGS from zero — scikit-learn's Ridge objective. The problem is convex, so the optimum is unique.
 */
export function fitRidgeRegression(
  x: SparseMatrix,
  y: Float64Array,
  options: { alpha: number; maxIterations: number; tolerance: number },
): RidgeModel {
  const cols = x.cols;
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i] as number;
  mean /= Math.max(1, y.length);
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    const b = theta[cols] as number;
    for (let i = 0; i < x.rows; i++) {
      const start = x.rowStart[i] as number;
      const end = x.rowStart[i + 1] as number;
      let z = b + mean;
      for (let p = start; p < end; p++)
        z += (theta[x.indices[p] as number] as number) * (x.values[p] as number);
      const r = z - (y[i] as number);
      loss += 0.5 * r * r;
      gradient[cols] = (gradient[cols] as number) + r;
      for (let p = start; p < end; p++) {
        const j = x.indices[p] as number;
        gradient[j] = (gradient[j] as number) + r * (x.values[p] as number);
      }
    }
    for (let j = 0; j < cols; j++) {
      const w = theta[j] as number;
      loss += 0.5 * options.alpha * w * w;
      gradient[j] = (gradient[j] as number) + options.alpha * w;
    }
    return loss;
  };
  const result = minimizeLbfgs(objective, new Float64Array(cols + 1), {
    maxIterations: options.maxIterations,
    tolerance: options.tolerance,
    memory: 10,
  });
  return {
    weights: result.x.slice(0, cols),
    intercept: (result.x[cols] as number) + mean,
    iterations: result.iterations,
  };
}

/** The model's prediction for one sparse row. */
export function predictRidge(model: RidgeModel, row: SparseRow): number {
  let z = model.intercept;
  for (let p = 0; p < row.indices.length; p++) {
    z += (model.weights[row.indices[p] as number] as number) * (row.values[p] as number);
  }
  return z;
}
