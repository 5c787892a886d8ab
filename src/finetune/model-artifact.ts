import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ModelError } from "../util/errors.js";
import { EmbeddingTable } from "./embedding-table.js";
import { FinetunedModel, type ModelMeta } from "./finetuned-model.js";
import { type NamedWeight, Network } from "./network.js";

/** File names of a saved model inside a run's artifact folder. */
export const modelFiles = { json: "model.json", weights: "weights.bin" } as const;

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
}

interface ModelJson {
  expbook: ModelMeta;
  /** TensorFlow.js weights manifest: `weights.bin` decodes with `tf.io.decodeWeights`. */
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/**
 * Saves a trained model into `dir`: `model.json` (metadata, vocabulary, normalisation and a
 * TensorFlow.js weights manifest) and `weights.bin` (the float32 weights, in manifest order).
 */
export function saveModel(dir: string, meta: ModelMeta, weights: readonly NamedWeight[]): string[] {
  mkdirSync(dir, { recursive: true });
  const total = weights.reduce((sum, weight) => sum + weight.values.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const weight of weights) {
    data.set(weight.values, offset);
    offset += weight.values.length;
  }
  const json: ModelJson = {
    expbook: meta,
    weightsManifest: [
      {
        paths: [modelFiles.weights],
        weights: weights.map((weight) => ({ name: weight.name, shape: weight.shape, dtype: "float32" })),
      },
    ],
  };
  writeAtomic(join(dir, modelFiles.weights), new Uint8Array(data.buffer));
  writeAtomic(join(dir, modelFiles.json), `${JSON.stringify(json)}\n`);
  return [modelFiles.json, modelFiles.weights];
}

/** Loads a model saved by `saveModel` from `dir`, ready to predict. */
export function loadModel(dir: string): FinetunedModel {
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
  const bytes = readFileSync(join(dir, manifest.paths[0] ?? modelFiles.weights));
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const weights: NamedWeight[] = manifest.weights.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = data.subarray(offset, offset + size);
    offset += size;
    return { name: spec.name, shape: spec.shape, values };
  });
  if (offset !== data.length)
    throw new ModelError(`${dir}/${modelFiles.weights} does not match model.json; re-run`);
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
