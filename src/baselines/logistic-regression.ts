import { minimizeLbfgs } from "./lbfgs.js";
import type { SparseMatrix, SparseRow } from "./sparse-matrix.js";

/** A fitted multinomial logistic regression: weights[k·cols + j] and one bias per class. */
export interface LogisticModel {
  classes: number;
  cols: number;
  weights: Float64Array;
  bias: Float64Array;
  iterations: number;
  converged: boolean;
}

/** Regularisation and optimiser settings (C as in scikit-learn: larger C, weaker penalty). */
export interface LogisticOptions {
  C: number;
  maxIterations: number;
  tolerance: number;
}

/**
 * Fits multinomial (softmax) logistic regression by L-BFGS, minimising
 * Σ_i −ln p(y_i | x_i) + ‖W‖² / (2C) with unpenalised biases — scikit-learn's
 * LogisticRegression(solver="lbfgs") objective. Deterministic: starts from zero weights.
 */
export function fitLogisticRegression(
  x: SparseMatrix,
  y: Int32Array,
  classes: number,
  options: LogisticOptions,
): LogisticModel {
  const { cols } = x;
  const size = classes * cols + classes;
  const logits = new Float64Array(classes);
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    const biasAt = classes * cols;
    for (let i = 0; i < x.rows; i++) {
      const start = x.rowStart[i] as number;
      const end = x.rowStart[i + 1] as number;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes; k++) {
        let z = theta[biasAt + k] as number;
        const base = k * cols;
        for (let p = start; p < end; p++)
          z += (theta[base + (x.indices[p] as number)] as number) * (x.values[p] as number);
        logits[k] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp((logits[k] as number) - max);
      const logSum = max + Math.log(sum);
      const yi = y[i] as number;
      loss += logSum - (logits[yi] as number);
      for (let k = 0; k < classes; k++) {
        const residual = Math.exp((logits[k] as number) - logSum) - (k === yi ? 1 : 0);
        gradient[biasAt + k] = (gradient[biasAt + k] as number) + residual;
        const base = k * cols;
        for (let p = start; p < end; p++) {
          const j = base + (x.indices[p] as number);
          gradient[j] = (gradient[j] as number) + residual * (x.values[p] as number);
        }
      }
    }
    const penalty = 1 / options.C;
    for (let j = 0; j < classes * cols; j++) {
      const w = theta[j] as number;
      loss += 0.5 * penalty * w * w;
      gradient[j] = (gradient[j] as number) + penalty * w;
    }
    return loss;
  };
  const result = minimizeLbfgs(objective, new Float64Array(size), {
    maxIterations: options.maxIterations,
    tolerance: options.tolerance,
    memory: 10,
  });
  return {
    classes,
    cols,
    weights: result.x.slice(0, classes * cols),
    bias: result.x.slice(classes * cols),
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** Class probabilities of one sparse row. */
export function predictProbabilities(model: LogisticModel, row: SparseRow): Float64Array {
  const logits = new Float64Array(model.classes);
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < model.classes; k++) {
    let z = model.bias[k] as number;
    const base = k * model.cols;
    for (let p = 0; p < row.indices.length; p++) {
      z += (model.weights[base + (row.indices[p] as number)] as number) * (row.values[p] as number);
    }
    logits[k] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let k = 0; k < model.classes; k++) {
    logits[k] = Math.exp((logits[k] as number) - max);
    sum += logits[k] as number;
  }
  for (let k = 0; k < model.classes; k++) logits[k] = (logits[k] as number) / sum;
  return logits;
}
