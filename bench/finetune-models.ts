// The models the finetune benchmark trains, shared by bench/finetune.bench.ts and
// bench/finetune-expbook.ts (the expbook side alone, for `farm-bench --vs` before/after figures).

/** The embedding-bag model (vocab 20,000, 100-d, 256 tokens, batch 64, Adam, linear head). */
export const benchModel = {
  model: "bag",
  init: "random",
  hidden: 0,
  dropout: 0,
  epochs: 2,
  patience: 100,
  vocabSize: 20000,
  maxTokens: 256,
  batchSize: 64,
  optimizer: "adam",
  learningRate: 0.005,
};

/** The 1-D CNN (64 filters, width 3, max over time), trained on the first `cnnRows` train rows. */
export const cnnModel = { ...benchModel, model: "cnn", hidden: 64, kernelSize: 3, epochs: 1 };

/** How many train rows the CNN benchmark uses. */
export const cnnRows = 1024;
