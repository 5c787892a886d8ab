// A researcher's own system for notebook 07: a one-hidden-layer TensorFlow.js MLP over hashed
// bag-of-words counts. Plain JavaScript (ES module), so Node and expbook's worker processes import it
// as it is; a TypeScript system is compiled to a file like this one first.
import * as tf from "@tensorflow/tfjs";
import { createRng, defineSystem, trainingBudget } from "expbook";
import { z } from "zod";

const params = z
  .object({
    /** Hidden units. */
    hidden: z.number().int().min(1).default(16),
    /** Hashed vocabulary size (input width). */
    dims: z.number().int().min(8).default(1024),
    epochs: z.number().int().min(1).default(4),
    /** Rows per step, or "auto" (min(64, a quarter of the training rows)), as finetune. */
    batchSize: z.union([z.number().int().min(1), z.literal("auto")]).default("auto"),
    /** The floor on optimiser steps finetune also trains for: epochs are raised until they make it. */
    minSteps: z.number().int().min(0).default(100),
    learningRate: z.number().positive().default(0.01),
  })
  .strict();

/** Counts of each lower-cased word, hashed (FNV-1a) into `dims` buckets, then log(1 + count). */
function hashedCounts(text, dims) {
  const row = new Float32Array(dims);
  for (const token of (text ?? "").toLowerCase().match(/[a-z0-9$!]+/g) ?? []) {
    let h = 2166136261;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 16777619);
    row[(h >>> 0) % dims] += 1;
  }
  return row.map((count) => Math.log1p(count));
}

export default defineSystem({
  kind: "bow-mlp",
  description: "a one-hidden-layer tfjs MLP over hashed bag-of-words counts",
  // Trains with TensorFlow.js: fitSystem starts expbook's backend first and records it on the run.
  tfjs: true,
  params,
  run: async (ctx) => {
    const { dims, hidden, learningRate } = ctx.params;
    const budget = trainingBudget(ctx.train.length, ctx.params);
    const features = (rows) =>
      tf.tensor2d(
        rows.flatMap((row) => Array.from(hashedCounts(row.text, dims))),
        [rows.length, dims],
      );
    const targets = (rows) =>
      tf.oneHot(tf.tensor1d(rows.map((row) => ctx.labels.indexOf(row.label)), "int32"), ctx.labels.length);
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        inputShape: [dims],
        units: hidden,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed }),
      }),
    );
    model.add(
      tf.layers.dense({
        units: ctx.labels.length,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed + 1 }),
      }),
    );
    model.compile({ optimizer: tf.train.adam(learningRate), loss: "categoricalCrossentropy" });
    // Training rows in a seeded random order (the split keeps the dataset's order, class by class);
    // tfjs's own shuffling would use Math.random, and the run could not repeat exactly.
    const rng = createRng(ctx.seed);
    const order = ctx.train.map((row) => ({ row, key: rng.next() })).sort((a, b) => a.key - b.key);
    const train = order.map(({ row }) => row);
    const [x, y, xVal, yVal] = [features(train), targets(train), features(ctx.val), targets(ctx.val)];
    const history = await model.fit(x, y, {
      epochs: budget.epochs,
      batchSize: budget.batchSize,
      shuffle: false,
      verbose: 0,
      validationData: [xVal, yVal],
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          ctx.metrics.logMany({ loss: logs?.loss ?? Number.NaN, val_loss: logs?.val_loss ?? Number.NaN }, epoch + 1);
          ctx.progress({ phase: "train", epoch: epoch + 1, epochs: budget.epochs, loss: logs?.loss });
        },
      },
    });
    const predict = (rows) => {
      if (rows.length === 0) return [];
      const input = features(rows);
      const output = model.predict(input);
      const probabilities = output.arraySync();
      tf.dispose([input, output]);
      return rows.map((row, i) => {
        const p = probabilities[i];
        return {
          id: row.id,
          label: ctx.labels[p.indexOf(Math.max(...p))],
          scores: Object.fromEntries(ctx.labels.map((label, j) => [label, p[j]])),
        };
      });
    };
    const output = {
      valPredictions: predict(ctx.val),
      testPredictions: predict(ctx.test),
      summary: {
        hidden,
        steps: budget.stepsPerEpoch * history.epoch.length,
        batch_size: budget.batchSize,
        epochs_planned: budget.epochs,
        epochs_run: history.epoch.length,
      },
    };
    tf.dispose([x, y, xVal, yVal]);
    model.dispose();
    return output;
  },
});
