import * as tf from "@tensorflow/tfjs";
import type { MetricSink, ProgressEvent } from "../systems/system.js";
import { ModelError } from "../util/errors.js";
import type { Rng } from "../util/random.js";
import type { LossSpec, NamedWeight, Network, NetworkInputs, NetworkTargets } from "./network.js";

/** How a validation pass scores raw outputs: the loss and the task metric (`val_f1` or `val_mae`). */
export interface ValidationScore {
  loss: number;
  metric: { name: string; value: number };
}

/** What `fitNetwork` needs: the network, the data, the schedule and where to report. */
export interface NetworkFitOptions {
  network: Network;
  train: { inputs: NetworkInputs; targets: NetworkTargets; count: number };
  /** Scores the network on the validation rows (called once per epoch). */
  validate: () => ValidationScore;
  loss: LossSpec;
  epochs: number;
  batchSize: number;
  /** Early stopping may end training only once this many optimiser steps were taken (default 0). */
  minSteps?: number;
  patience: number;
  learningRate: number;
  rng: Rng;
  metrics: MetricSink;
  progress: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** One epoch's record. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  valLoss: number;
  examplesPerSecond: number;
  seconds: number;
}

/** What training did: epochs run, the restored best epoch, whether it over-fitted. */
export interface NetworkFitResult {
  epochsRun: number;
  /** Optimiser steps taken (over all epochs run). */
  steps: number;
  bestEpoch: number;
  bestValLoss: number;
  overfit: boolean;
  history: EpochRecord[];
  /** Training examples per second over all epochs (excluding validation passes). */
  examplesPerSecond: number;
  trainSeconds: number;
}

/**
 * Over-fitting: validation loss rose in each of the last `window` epochs while training loss fell in each.
 * @example isOverfitting([{loss:3,valLoss:1},{loss:2,valLoss:2},{loss:1,valLoss:3}], 2) // true
 */
export function isOverfitting(
  history: readonly Pick<EpochRecord, "loss" | "valLoss">[],
  window: number,
): boolean {
  if (history.length < window + 1) return false;
  for (let i = history.length - window; i < history.length; i++) {
    const before = history[i - 1] as Pick<EpochRecord, "loss" | "valLoss">;
    const now = history[i] as Pick<EpochRecord, "loss" | "valLoss">;
    if (!(now.valLoss > before.valLoss && now.loss < before.loss)) return false;
  }
  return true;
}

/**
 * Trains with seeded per-epoch shuffling and dropout, logs each epoch, stops early when validation loss
 * has not improved for `patience` epochs (but never before `minSteps` optimiser steps) and restores the
 * best epoch's weights. A non-finite loss throws a ModelError after the finished epochs' curves were
 * logged. Yields to the event loop every ~50 ms so notebook kernels, progress bars and abort signals stay
 * responsive.
 */
export async function fitNetwork(options: NetworkFitOptions): Promise<NetworkFitResult> {
  const { network, train, epochs, batchSize, patience, metrics, progress } = options;
  const shuffler = options.rng.fork("shuffle");
  const dropout = options.rng.fork("dropout");
  const order = Array.from({ length: train.count }, (_, i) => i);
  const steps = Math.ceil(train.count / batchSize);
  const history: EpochRecord[] = [];
  let best: NamedWeight[] | undefined;
  let bestEpoch = 0;
  let bestValLoss = Number.POSITIVE_INFINITY;
  let overfit = false;
  let trainSeconds = 0;
  let stepsTaken = 0;
  const minSteps = options.minSteps ?? 0;
  let lastYield = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffler.shuffle(order);
    const started = performance.now();
    let lossSum = 0;
    for (let step = 0; step < steps; step++) {
      if (options.signal?.aborted)
        throw new ModelError(`training was cancelled at epoch ${epoch}; start a new run`);
      const rows = order.slice(step * batchSize, (step + 1) * batchSize);
      const loss = network.trainStep(
        train.inputs,
        rows,
        train.targets,
        options.loss,
        dropout.int(2147483647),
      );
      if (!Number.isFinite(loss)) {
        throw new ModelError(
          `training loss became ${Number.isNaN(loss) ? "NaN" : "infinite"} at epoch ${epoch} step ${step + 1}; ` +
            `lower learningRate (now ${options.learningRate}) or check the targets for extreme values`,
        );
      }
      lossSum += loss * rows.length;
      stepsTaken++;
      if ((step + 1) % 10 === 0) progress({ phase: "train", epoch, epochs, step: step + 1, steps, loss });
      if (performance.now() - lastYield > 50) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    trainSeconds += seconds;
    const loss = lossSum / train.count;
    const score = options.validate();
    const record: EpochRecord = {
      epoch,
      loss,
      valLoss: score.loss,
      examplesPerSecond: train.count / seconds,
      seconds,
    };
    history.push(record);
    metrics.logMany(
      {
        loss,
        val_loss: score.loss,
        [score.metric.name]: score.metric.value,
        examples_per_s: record.examplesPerSecond,
        epoch_seconds: seconds,
        tensors: tf.memory().numTensors,
      },
      epoch,
    );
    progress({ phase: "train", epoch, epochs, step: steps, steps, loss });
    if (!Number.isFinite(score.loss)) {
      throw new ModelError(
        `validation loss became ${Number.isNaN(score.loss) ? "NaN" : "infinite"} at epoch ${epoch}; lower learningRate (now ${options.learningRate})`,
      );
    }
    if (isOverfitting(history, patience)) overfit = true;
    if (score.loss < bestValLoss) {
      bestValLoss = score.loss;
      bestEpoch = epoch;
      best = epoch < epochs ? network.weights() : undefined;
    } else if (epoch - bestEpoch >= patience && stepsTaken >= minSteps) {
      break;
    }
  }
  if (best && bestEpoch !== history.length) network.setWeights(best);
  const examples = history.length * train.count;
  return {
    epochsRun: history.length,
    steps: stepsTaken,
    bestEpoch,
    bestValLoss,
    overfit,
    history,
    examplesPerSecond: examples / trainSeconds,
    trainSeconds,
  };
}
