import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset, makeSplit } from "../../src/data/index.js";
import { subsampleRows } from "../../src/data/subsample.js";
import { finetuneSystem } from "../../src/finetune/index.js";
import { trainingBudget } from "../../src/finetune/training-budget.js";
import { ModelError } from "../../src/util/errors.js";
import { runFinetune } from "./run-system.js";

test("auto batch size is at most a quarter of the training rows (and at most 64)", () => {
  for (const rows of [1, 3, 4, 8, 31, 32, 128, 255, 256, 257, 512, 4232]) {
    const budget = trainingBudget(rows, { batchSize: "auto", epochs: 8, minSteps: 0 });
    assert.ok(budget.batchSize >= 1 && budget.batchSize <= 64, `${rows} rows`);
    assert.ok(budget.batchSize <= Math.max(1, rows / 4), `${rows} rows: batch ${budget.batchSize}`);
    assert.equal(budget.stepsPerEpoch, Math.ceil(rows / budget.batchSize));
    assert.equal(budget.epochs, 8);
  }
  assert.equal(trainingBudget(4232, { batchSize: "auto", epochs: 6, minSteps: 100 }).batchSize, 64);
  assert.equal(trainingBudget(100, { batchSize: 50, epochs: 1, minSteps: 0 }).batchSize, 50, "explicit kept");
  assert.equal(
    trainingBudget(8, { batchSize: 64, epochs: 1, minSteps: 0 }).batchSize,
    8,
    "capped at the rows",
  );
  assert.throws(() => trainingBudget(0, { batchSize: "auto", epochs: 1, minSteps: 0 }), ModelError);
});

test("epochs are raised until they make minSteps optimiser steps; large sets keep their epochs", () => {
  const small = trainingBudget(32, { batchSize: "auto", epochs: 8, minSteps: 100 });
  assert.deepEqual(small, { batchSize: 8, stepsPerEpoch: 4, epochs: 25, minSteps: 100 });
  assert.ok(small.epochs * small.stepsPerEpoch >= 100);
  const large = trainingBudget(4232, { batchSize: "auto", epochs: 8, minSteps: 100 });
  assert.equal(large.epochs, 8, "4,232 rows make 536 steps in 8 epochs: nothing to raise");
});

test("the default minSteps is 100, the value the validation sweep chose", () => {
  const params = finetuneSystem.params.parse({});
  assert.equal(params.minSteps, 100);
  assert.equal(params.batchSize, "auto");
});

test("32 labelled e-mails train for minSteps steps, early stopping waits for them, and the run records them", async () => {
  const dataset = await loadDataset("spam-assassin");
  const split = makeSplit(dataset, { strategy: "stratified", seed: 1 });
  const rows = {
    train: subsampleRows(split.train, 32, 1),
    val: split.val.slice(0, 120),
    test: split.test.slice(0, 60),
  };
  const { output, series } = await runFinetune(dataset, rows, { epochs: 2, patience: 1, minSteps: 60 });
  const summary = output.summary ?? {};
  assert.equal(summary.batch_size, 8);
  assert.equal(summary.epochs_planned, 15);
  assert.equal(summary.steps, (summary.epochs_run as number) * 4, "4 steps an epoch");
  assert.ok((summary.steps as number) >= 60, `steps ${summary.steps}`);
  assert.equal(series.loss?.length, summary.epochs_run, "one logged epoch per epoch run");
  const without = await runFinetune(dataset, rows, { epochs: 2, patience: 1, minSteps: 0 });
  assert.equal(without.output.summary?.steps, 8, "2 epochs of 4 steps without a floor");
});
