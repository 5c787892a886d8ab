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

/** The 1-D CNN (64 filters, width 3, max over time), trained on `cnnTrain` of the train rows. */
export const cnnModel = { ...benchModel, model: "cnn", hidden: 64, kernelSize: 3, epochs: 1 };

/** How many train rows the CNN benchmark uses. */
const cnnRows = 1024;

/**
 * The CNN benchmark's training rows: `cnnRows` rows spread evenly over the training split (every k-th), so
 * both classes are there; the split lists its rows class by class, and its first 1,024 are all ham.
 */
export function cnnTrain<Row>(train: readonly Row[]): Row[] {
  const step = Math.max(1, Math.floor(train.length / cnnRows));
  return train.filter((_, i) => i % step === 0).slice(0, cnnRows);
}
