import type { Example } from "../data/types.js";
import { f1Score, meanAbsoluteError } from "../metrics/index.js";
import type { SystemContext, SystemOutput } from "../systems/system.js";
import { ModelError } from "../util/errors.js";
import { createRng } from "../util/random.js";
import { selectBackend } from "./backend.js";
import { EmbeddingTable } from "./embedding-table.js";
import { FinetunedModel, type ModelMeta, softmax } from "./finetuned-model.js";
import { fitNetwork, type ValidationScore } from "./fit-network.js";
import { type EmbeddingBase, saveModel } from "./model-artifact.js";
import { trainingBudget } from "./training-budget.js";
import {
  initialHeadWeights,
  type LossSpec,
  Network,
  type NetworkInputs,
  type NetworkSpec,
  type NetworkTargets,
} from "./network.js";
import type { FinetuneParams } from "./params.js";
import type { Vocabulary } from "./vocabulary.js";
import { cachedEncoding, cachedVocabulary } from "./cached-inputs.js";
import { embeddingDim, initialEmbeddingTable } from "./initial-table.js";

function chooseModel(context: SystemContext<FinetuneParams>): "bag" | "cnn" | "mlp" {
  const tabular =
    (context.featureNames?.length ?? 0) > 0 && context.train.every((row) => row.text === undefined);
  const model = context.params.model ?? (tabular ? "mlp" : "bag");
  if (model === "mlp" && !context.featureNames?.length) {
    throw new ModelError(
      "model mlp needs a tabular dataset with features; use model=bag or model=cnn for text",
    );
  }
  if (model !== "mlp" && context.train.some((row) => typeof row.text !== "string")) {
    throw new ModelError(`model ${model} needs text examples; use model=mlp for a tabular dataset`);
  }
  return model;
}

function featureStats(
  rows: readonly Example[],
  names: readonly string[],
): { means: number[]; stds: number[] } {
  const means = names.map((name) => {
    const values = rows.map((row) => row.features?.[name]).filter((v): v is number => Number.isFinite(v));
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  });
  const stds = names.map((name, j) => {
    const values = rows.map((row) => row.features?.[name]).filter((v): v is number => Number.isFinite(v));
    const mean = means[j] as number;
    const variance = values.length > 0 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length : 0;
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  return { means, stds };
}

function classWeightsFor(
  rows: readonly Example[],
  labels: readonly string[],
  mode: FinetuneParams["classWeights"],
) {
  const counts = labels.map((label) => rows.filter((row) => row.label === label).length);
  return counts.map((count) => (mode === false || count === 0 ? 1 : rows.length / (labels.length * count)));
}

function targetsFor(context: SystemContext<FinetuneParams>, meta: ModelMeta): NetworkTargets {
  const { train, params } = context;
  if (meta.task === "regression") {
    const mean = meta.targetMean ?? 0;
    const std = meta.targetStd ?? 1;
    return { values: Float32Array.from(train, (row) => ((row.target as number) - mean) / std) };
  }
  const weights = classWeightsFor(train, meta.labels, params.classWeights);
  const classes = Int32Array.from(train, (row) => meta.labels.indexOf(row.label as string));
  return { classes, weights: Float32Array.from(classes, (k) => weights[k] as number) };
}

/** Validation loss (unweighted, same formula as training) and the task metric from raw outputs. */
function scoreOutputs(
  model: FinetunedModel,
  rows: readonly Example[],
  outputs: Float32Array,
  loss: LossSpec["kind"],
): ValidationScore {
  const { meta } = model;
  if (rows.length === 0)
    return { loss: 0, metric: { name: meta.task === "regression" ? "val_mae" : "val_f1", value: 0 } };
  if (meta.task === "regression") {
    const mean = meta.targetMean ?? 0;
    const std = meta.targetStd ?? 1;
    let total = 0;
    rows.forEach((row, i) => {
      const diff = (outputs[i] as number) - ((row.target as number) - mean) / std;
      const abs = Math.abs(diff);
      total += loss === "huber" ? (abs <= 1 ? 0.5 * diff * diff : abs - 0.5) : diff * diff;
    });
    const predicted = model.toPredictions(rows, outputs).map((p) => p.value as number);
    const mae = meanAbsoluteError(
      rows.map((row) => row.target as number),
      predicted,
    );
    return { loss: total / rows.length, metric: { name: "val_mae", value: mae } };
  }
  const width = meta.spec.outputs;
  let total = 0;
  rows.forEach((row, i) => {
    const p =
      softmax(outputs.subarray(i * width, (i + 1) * width))[meta.labels.indexOf(row.label as string)] ?? 0;
    total -= Math.log(Math.max(p, 1e-12));
  });
  const predicted = model.toPredictions(rows, outputs).map((p) => p.label as string);
  const truth = rows.map((row) => row.label as string);
  const binary = meta.labels.length === 2 && meta.positiveLabel !== undefined;
  const f1 = binary
    ? f1Score(truth, predicted, { average: "binary", posLabel: meta.positiveLabel })
    : f1Score(truth, predicted, { average: "macro", labels: meta.labels });
  return { loss: total / rows.length, metric: { name: "val_f1", value: f1 } };
}

function tokenRate(count: number, part: number): number {
  return count > 0 ? part / count : 0;
}

/** Trains one fine-tuning run on the context's split and predicts its validation and test rows. */
/** Fits and scores the fine-tuned model of one run (the fine-tuning system's `run`). */
export async function runFinetune(context: SystemContext<FinetuneParams>): Promise<SystemOutput> {
  const { params, task } = context;
  const { backend, tfjsVersion } = await selectBackend(params.backend);
  const rng = createRng(context.seed);
  const model = chooseModel(context);
  if (context.train.length === 0)
    throw new ModelError("the training split is empty; use a larger dataset or split");
  if (task === "classification" && context.labels.length < 2) {
    throw new ModelError("classification needs at least two classes in the dataset; check the label column");
  }
  const meta: ModelMeta = {
    format: "expbook-finetune/1",
    task,
    labels: task === "classification" ? [...context.labels] : [],
    positiveLabel: context.positiveLabel,
    spec: {
      model,
      inputDim: embeddingDim,
      hidden: model === "cnn" ? Math.max(params.hidden, 1) : params.hidden,
      kernelSize: params.kernelSize,
      outputs: task === "classification" ? context.labels.length : 1,
      dropout: params.dropout,
    } satisfies NetworkSpec,
    maxTokens: params.maxTokens,
    backend,
    tfjsVersion,
    params: { ...params },
  };
  const summary: Record<string, number | string | boolean> = { backend, tfjs_version: tfjsVersion, model };
  let table: EmbeddingTable | undefined;
  let vocabulary: Vocabulary | undefined;
  let embeddingBase: EmbeddingBase | undefined;
  if (model === "mlp") {
    const names = context.featureNames ?? [];
    const { means, stds } = featureStats(context.train, names);
    Object.assign(meta, { featureNames: [...names], featureMeans: means, featureStds: stds });
    meta.spec.inputDim = names.length;
  } else {
    vocabulary = cachedVocabulary(
      context.train.map((row) => row.text ?? ""),
      params.vocabSize,
    );
    meta.vocabulary = vocabulary.words;
    // The first draw of the run's rng, so that loadModel can replay it as createRng(seed).fork("embedding").
    const { weights, coverage } = await initialEmbeddingTable(vocabulary, params.init, rng.fork("embedding"));
    embeddingBase = { init: params.init, seed: context.seed, weights };
    table = new EmbeddingTable(weights, embeddingDim, {
      optimizer: params.optimizer,
      learningRate: params.learningRate,
      weightDecay: params.weightDecay,
    });
    summary.vocab_size = vocabulary.words.length;
    if (params.init === "glove") summary.glove_coverage = coverage;
  }
  if (task === "regression") {
    const values = context.train.map((row) => row.target as number);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    meta.targetMean = mean;
    meta.targetStd = variance > 0 ? Math.sqrt(variance) : 1;
  }
  const network = new Network(meta.spec, initialHeadWeights(meta.spec, rng.fork("head")), table, {
    optimizer: params.optimizer,
    learningRate: params.learningRate,
    trainTable: !params.freeze,
  });
  const finetuned = new FinetunedModel(meta, network);
  try {
    const encode = (rows: readonly Example[]): NetworkInputs =>
      vocabulary
        ? {
            texts: cachedEncoding(
              rows.map((row) => row.text ?? ""),
              vocabulary,
              params.maxTokens,
            ),
          }
        : finetuned.encode(rows);
    const trainInputs = encode(context.train);
    const valInputs = encode(context.val);
    const testInputs = encode(context.test);
    if (trainInputs.texts && valInputs.texts && testInputs.texts) {
      summary.oov_rate = tokenRate(trainInputs.texts.tokens, trainInputs.texts.oov);
      summary.holdout_oov_rate = tokenRate(
        valInputs.texts.tokens + testInputs.texts.tokens,
        valInputs.texts.oov + testInputs.texts.oov,
      );
    }
    const lossKind: LossSpec["kind"] = task === "classification" ? "crossentropy" : params.loss;
    const budget = trainingBudget(context.train.length, params);
    const fit = await fitNetwork({
      network,
      train: { inputs: trainInputs, targets: targetsFor(context, meta), count: context.train.length },
      validate: () =>
        scoreOutputs(finetuned, context.val, finetuned.outputs(valInputs, context.val.length), lossKind),
      loss: { kind: lossKind, weightDecay: params.weightDecay },
      epochs: budget.epochs,
      batchSize: budget.batchSize,
      minSteps: budget.minSteps,
      patience: params.patience,
      learningRate: params.learningRate,
      rng: rng.fork("train"),
      metrics: context.metrics,
      progress: context.progress,
      signal: context.signal,
    });
    const valPredictions = finetuned.toPredictions(
      context.val,
      finetuned.outputs(valInputs, context.val.length),
    );
    const testPredictions = finetuned.toPredictions(
      context.test,
      finetuned.outputs(testInputs, context.test.length),
    );
    saveModel(context.artifactDir, meta, network.weights(), embeddingBase);
    Object.assign(summary, {
      epochs_run: fit.epochsRun,
      epochs_planned: budget.epochs,
      steps: fit.steps,
      batch_size: budget.batchSize,
      best_epoch: fit.bestEpoch,
      best_val_loss: fit.bestValLoss,
      examples_per_s: fit.examplesPerSecond,
      train_seconds: fit.trainSeconds,
      overfit: fit.overfit,
    });
    return { valPredictions, testPredictions, summary, tags: { overfit: fit.overfit } };
  } finally {
    finetuned.dispose();
  }
}

/**
 * The `finetune` system: an embedding-bag or 1-D CNN text model initialised from pretrained vectors
 * (or randomly), or an MLP for tabular data, trained with TensorFlow.js.
 *
 * @example await finetuneSystem.run({ ...context, params: finetuneSystem.params.parse({ epochs: 3 }) })
 */
