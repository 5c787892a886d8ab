import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { loadDataset, makeSplit } from "../../src/data/index.js";
import { finetuneSystem } from "../../src/finetune/index.js";
import { f1Score, meanAbsoluteError } from "../../src/metrics/index.js";
import { ModelError } from "../../src/util/errors.js";
import { runFinetune } from "./run-system.js";

test("spam-assassin, stratified 70/15/15 seed 1: GloVe-initialised fine-tuned bag model reaches test F1 >= 0.97", async () => {
  const dataset = await loadDataset("spam-assassin");
  const split = makeSplit(dataset, { strategy: "stratified", seed: 1 });
  const { output, series } = await runFinetune(dataset, split, { init: "glove" });
  const truth = split.test.map((row) => row.label as string);
  const predicted = output.testPredictions.map((p) => p.label as string);
  const f1 = f1Score(truth, predicted, { posLabel: "spam" });
  assert.ok(f1 >= 0.97, `test F1 ${f1}`);
  assert.equal(output.summary?.model, "bag");
  assert.ok(Number(output.summary?.glove_coverage) > 0.5);
  // Curves logged every epoch; the tensor count never grows after the first epoch (no leaks).
  const epochs = Number(output.summary?.epochs_run);
  for (const name of ["loss", "val_loss", "val_f1", "examples_per_s", "epoch_seconds"]) {
    assert.equal(series[name]?.length, epochs, name);
  }
  assert.equal(new Set(series.tensors).size, 1, `tensors per epoch: ${series.tensors}`);
  // Early stopping restores the best epoch: the returned validation predictions have its loss.
  const valLoss =
    split.val.reduce(
      (sum, row, i) => sum - Math.log(output.valPredictions[i]?.scores?.[row.label as string] ?? 0),
      0,
    ) / split.val.length;
  assert.ok(
    Math.abs(valLoss - Number(output.summary?.best_val_loss)) < 1e-4,
    `${valLoss} vs ${output.summary?.best_val_loss}`,
  );
});

test("random-init, frozen, class-weighted and CNN variants train and report their summaries", async () => {
  const dataset = await loadDataset("spam-assassin");
  const split = makeSplit(dataset, { strategy: "stratified", seed: 1 });
  const small = {
    train: split.train.slice(0, 400),
    val: split.val.slice(0, 150),
    test: split.test.slice(0, 150),
  };
  const truth = small.test.map((row) => row.label as string);
  for (const params of [
    { init: "random", epochs: 2 },
    { freeze: true, epochs: 2 },
    { classWeights: "balanced", optimizer: "rmsprop", epochs: 2 },
    { model: "cnn", epochs: 1, maxTokens: 64, hidden: 16 },
  ]) {
    const { output } = await runFinetune(dataset, small, params);
    assert.equal(output.testPredictions.length, small.test.length);
    const f1 = f1Score(
      truth,
      output.testPredictions.map((p) => p.label as string),
      { posLabel: "spam" },
    );
    assert.ok(Number.isFinite(f1), JSON.stringify(params));
    assert.ok(["wasm", "cpu", "tensorflow"].includes(String(output.summary?.backend)));
    assert.equal(typeof output.tags?.overfit, "boolean");
  }
});

test("sotu year regression, group split by president: test MAE beats predicting the training mean", async () => {
  const dataset = await loadDataset("sotu");
  const split = makeSplit(dataset, { strategy: "group", by: "president", seed: 1 });
  const { output, series } = await runFinetune(dataset, split, {
    epochs: 30,
    patience: 5,
    learningRate: 0.01,
    batchSize: 16,
  });
  const truth = split.test.map((row) => row.target as number);
  const mae = meanAbsoluteError(
    truth,
    output.testPredictions.map((p) => p.value as number),
  );
  const mean = split.train.reduce((sum, row) => sum + (row.target as number), 0) / split.train.length;
  const baseline = meanAbsoluteError(
    truth,
    truth.map(() => mean),
  );
  assert.ok(mae < baseline, `test MAE ${mae} vs training-mean MAE ${baseline}`);
  assert.ok(series.val_mae && series.val_mae.length > 0);
});

test("cps-wages-1985: the tabular MLP on standardised features beats predicting the training mean", async () => {
  const dataset = await loadDataset("cps-wages-1985");
  const split = makeSplit(dataset, { strategy: "random", seed: 1 });
  const { output } = await runFinetune(dataset, split, { epochs: 40, patience: 5, batchSize: 32 });
  assert.equal(output.summary?.model, "mlp");
  const truth = split.test.map((row) => row.target as number);
  const mae = meanAbsoluteError(
    truth,
    output.testPredictions.map((p) => p.value as number),
  );
  const mean = split.train.reduce((sum, row) => sum + (row.target as number), 0) / split.train.length;
  assert.ok(
    mae <
      meanAbsoluteError(
        truth,
        truth.map(() => mean),
      ),
    `MAE ${mae}`,
  );
});

test("two runs with the same seed give identical curves and predictions; another seed differs (bag and CNN)", async () => {
  const dataset = await loadDataset("spam-assassin");
  const split = makeSplit(dataset, { strategy: "stratified", seed: 1 });
  const small = {
    train: split.train.slice(0, 500),
    val: split.val.slice(0, 150),
    test: split.test.slice(0, 150),
  };
  for (const params of [
    { epochs: 3, patience: 3, dropout: 0.3 },
    { model: "cnn", epochs: 2, patience: 2, dropout: 0.3, maxTokens: 64, hidden: 16 },
  ]) {
    const before = tf.memory().numTensors;
    const first = await runFinetune(dataset, small, params, 7);
    const second = await runFinetune(dataset, small, params, 7);
    const other = await runFinetune(dataset, small, params, 8);
    assert.equal(tf.memory().numTensors, before, `tensors leaked by a run of ${params.model ?? "bag"}`);
    for (const name of ["loss", "val_loss", "val_f1"])
      assert.deepEqual(second.series[name], first.series[name], name);
    assert.deepEqual(second.output.testPredictions, first.output.testPredictions);
    assert.deepEqual(second.output.valPredictions, first.output.valPredictions);
    assert.notDeepEqual(other.series.loss, first.series.loss);
  }
});

test("a diverging run stops with a ModelError naming the epoch, step and learning rate", async () => {
  const dataset = await loadDataset("sotu");
  const split = makeSplit(dataset, { strategy: "random", seed: 1 });
  await assert.rejects(
    runFinetune(dataset, split, { learningRate: 1e30, optimizer: "sgd", epochs: 2 }),
    (error: unknown) =>
      error instanceof ModelError &&
      /training loss became (NaN|infinite) at epoch 1 step \d+; lower learningRate/.test(error.message),
  );
});

test("params: defaults are filled and unknown keys are rejected", () => {
  const params = finetuneSystem.params.parse({});
  assert.equal(params.init, "glove");
  assert.equal(params.optimizer, "adam");
  assert.equal(params.vocabSize, 20000);
  assert.equal(finetuneSystem.kind, "finetune");
  assert.equal(finetuneSystem.params.safeParse({ learningrate: 0.1 }).success, false);
  assert.equal(finetuneSystem.params.safeParse({ optimizer: "adagrad" }).success, false);
  assert.equal(finetuneSystem.params.safeParse({ classWeights: "balanced", loss: "huber" }).success, true);
});
