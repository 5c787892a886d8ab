import { ModelError } from "../util/errors.js";

/** The batch size `"auto"` never exceeds. */
export const maxAutoBatchSize = 64;

/** A run's optimiser schedule, fixed before training starts. */
export interface TrainingBudget {
  /** Rows per optimiser step. */
  batchSize: number;
  stepsPerEpoch: number;
  /** Epochs planned: the requested epochs, raised until they make at least `minSteps` steps. */
  epochs: number;
  /** Early stopping may end training only after this many optimiser steps. */
  minSteps: number;
}

/**
 * The training budget of one run. `batchSize: "auto"` is min(64, ⌊rows / 4⌋) (at least 1), so even 8
 * labelled rows make 4 steps an epoch; the epochs are raised until they make `minSteps` optimiser steps,
 * so a small training set gets as many updates as its model needs instead of a handful: with 32 rows and
 * 8 epochs of batch 64 a model would take 8 steps in all.
 * @example trainingBudget(8, { batchSize: "auto", epochs: 8, minSteps: 100 }) // { batchSize: 2, stepsPerEpoch: 4, epochs: 25, minSteps: 100 }
 */
export function trainingBudget(
  rows: number,
  options: { batchSize: number | "auto"; epochs: number; minSteps: number },
): TrainingBudget {
  if (!(Number.isInteger(rows) && rows > 0))
    throw new ModelError(`training budget: ${rows} training rows; use a non-empty training split`);
  const batchSize =
    options.batchSize === "auto"
      ? Math.max(1, Math.min(maxAutoBatchSize, Math.floor(rows / 4)))
      : Math.min(options.batchSize, rows);
  const stepsPerEpoch = Math.ceil(rows / batchSize);
  const epochs = Math.max(options.epochs, Math.ceil(options.minSteps / stepsPerEpoch));
  return { batchSize, stepsPerEpoch, epochs, minSteps: options.minSteps };
}
