import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  type ModelMeta,
  buildVocabulary,
  loadModel,
  modelFiles,
  saveModel,
  selectBackend,
} from "../../src/finetune/index.js";
import { initialEmbeddingTable } from "../../src/finetune/initial-table.js";
import { initialHeadWeights, type NamedWeight, type NetworkSpec } from "../../src/finetune/network.js";
import { ModelError } from "../../src/util/errors.js";
import { createRng } from "../../src/util/random.js";
import { tempDir } from "../helpers/cli.js";

const spec: NetworkSpec = { model: "bag", inputDim: 100, hidden: 8, kernelSize: 3, outputs: 2, dropout: 0 };

function bytes(weights: readonly NamedWeight[]): Buffer[] {
  return weights.map((weight) =>
    Buffer.from(weight.values.buffer, weight.values.byteOffset, weight.values.byteLength),
  );
}

// A bag model of 500 words whose embedding started from the seeded random table; `trained` rows moved.
async function trainedModel(seed: number, trained: number) {
  const words = Array.from({ length: 500 }, (_, i) => `w${i}`);
  const vocabulary = buildVocabulary([words], 500);
  const rng = createRng(seed);
  const { weights: initial } = await initialEmbeddingTable(vocabulary, "random", rng.fork("embedding"));
  const embedding = initial.slice();
  const moves = createRng(seed + 1000);
  for (let i = 0; i < trained * 100; i++) embedding[i] = (embedding[i] as number) + moves.normal() * 1e-3;
  const weights: NamedWeight[] = [
    ...initialHeadWeights(spec, rng.fork("head")),
    { name: "embedding", shape: [500, 100], values: embedding },
  ];
  const meta: ModelMeta = {
    format: "expbook-finetune/1",
    task: "classification",
    labels: ["ham", "spam"],
    positiveLabel: "spam",
    spec,
    maxTokens: 16,
    vocabulary: vocabulary.words,
    backend: "cpu",
    tfjsVersion: "test",
    params: { init: "random" },
  };
  return { meta, weights, base: { init: "random" as const, seed, weights: initial } };
}

// Runs `body` in a fresh temp folder with a TensorFlow.js backend ready, and removes the folder after.
async function inModelDir(body: (dir: string) => Promise<void>): Promise<void> {
  await selectBackend();
  const dir = tempDir();
  try {
    await body(dir.path);
  } finally {
    dir.cleanup();
  }
}

test("saveModel packs the weights against the starting table; loadModel gives back every bit", async () => {
  await inModelDir(async (dir) => {
    const { meta, weights, base } = await trainedModel(5, 120);
    assert.deepEqual(saveModel(dir, meta, weights, base), [modelFiles.json, modelFiles.weights]);
    assert.deepEqual(readdirSync(dir).sort(), [modelFiles.weights, modelFiles.json].sort());
    const model = await loadModel(dir);
    try {
      assert.deepEqual(bytes(model.network.weights()), bytes(weights));
    } finally {
      model.dispose();
    }
    const raw = weights.reduce((sum, weight) => sum + weight.values.byteLength, 0);
    assert.ok(statSync(join(dir, modelFiles.weights)).size < raw / 2, "untouched rows cost nothing");
  });
});

test("a frozen table packs to a small fraction of raw float32, and loads bit for bit", async () => {
  await inModelDir(async (dir) => {
    const { meta, weights, base } = await trainedModel(6, 0);
    saveModel(dir, meta, weights, base);
    assert.ok(statSync(join(dir, modelFiles.weights)).size < 15_000);
    const model = await loadModel(dir);
    assert.deepEqual(bytes(model.network.weights()), bytes(weights));
    model.dispose();
  });
});

test("a model saved as raw weights.bin (before the packed encoding) still loads", async () => {
  await inModelDir(async (dir) => {
    const { meta, weights } = await trainedModel(7, 500);
    const data = Buffer.concat(bytes(weights));
    writeFileSync(join(dir, modelFiles.rawWeights), data);
    const manifest = weights.map((weight) => ({ name: weight.name, shape: weight.shape, dtype: "float32" }));
    writeFileSync(
      join(dir, modelFiles.json),
      JSON.stringify({
        expbook: meta,
        weightsManifest: [{ paths: [modelFiles.rawWeights], weights: manifest }],
      }),
    );
    const model = await loadModel(dir);
    assert.deepEqual(bytes(model.network.weights()), bytes(weights));
    model.dispose();
  });
});

test("packed weights whose starting table cannot be replayed are refused with a ModelError, not loaded wrong", async () => {
  await inModelDir(async (dir) => {
    const { meta, weights, base } = await trainedModel(8, 50);
    saveModel(dir, meta, weights, base);
    const path = join(dir, modelFiles.json);
    const json = JSON.parse(readFileSync(path, "utf8")) as { weightsCodec: { base: { seed: number } } };
    json.weightsCodec.base.seed = 9;
    writeFileSync(path, JSON.stringify(json));
    await assert.rejects(
      loadModel(dir),
      (error: unknown) =>
        error instanceof ModelError && /does not unpack to the weights model\.json names/.test(error.message),
    );
  });
});

test("a truncated weights.delta.gz is a one-line ModelError saying to re-run, not a zlib stack", async () => {
  await inModelDir(async (dir) => {
    const { meta, weights, base } = await trainedModel(10, 50);
    saveModel(dir, meta, weights, base);
    const path = join(dir, modelFiles.weights);
    const packed = readFileSync(path);
    writeFileSync(path, packed.subarray(0, packed.length >> 1));
    await assert.rejects(
      loadModel(dir),
      (error: unknown) =>
        error instanceof ModelError &&
        /weights\.delta\.gz cannot be unpacked \(.*\); the model is damaged, re-run the training$/.test(
          error.message,
        ) &&
        !error.message.includes("\n"),
    );
  });
});
