import type { Example, Task } from "../data/types.js";
import { tokenize } from "../data/tokenize.js";
import type { Prediction } from "../systems/system.js";
import { ModelError } from "../util/errors.js";
import type { Network, NetworkInputs, NetworkSpec } from "./network.js";
import { encodeTexts, type Vocabulary, vocabularyFromWords } from "./vocabulary.js";

/** Everything besides the weights that a trained model needs to predict: saved as `model.json`. */
export interface ModelMeta {
  format: "expbook-finetune/1";
  task: Task;
  /** Class names in output order (classification). */
  labels: string[];
  positiveLabel?: string;
  spec: NetworkSpec;
  maxTokens: number;
  /** Embedding rows' words (text models). */
  vocabulary?: string[];
  /** Tabular models: feature order and the training means and standard deviations used to standardise. */
  featureNames?: string[];
  featureMeans?: number[];
  featureStds?: number[];
  /** Regression: the training target mean and standard deviation (the network predicts standardised values). */
  targetMean?: number;
  targetStd?: number;
  backend: string;
  tfjsVersion: string;
  params: Record<string, unknown>;
}

const predictBatch = 256;

/** A trained network with its vocabulary and normalisation: turns examples into predictions. */
export class FinetunedModel {
  readonly meta: ModelMeta;
  readonly network: Network;
  private readonly vocabulary: Vocabulary | undefined;

  constructor(meta: ModelMeta, network: Network) {
    this.meta = meta;
    this.network = network;
    this.vocabulary = meta.vocabulary ? vocabularyFromWords(meta.vocabulary) : undefined;
  }

  /** The network inputs for examples (token ids, or standardised features with missing values at the mean). */
  encode(examples: readonly Example[]): NetworkInputs {
    const { meta } = this;
    if (meta.spec.model === "mlp") {
      const names = meta.featureNames ?? [];
      const width = names.length;
      const features = new Float32Array(examples.length * width);
      examples.forEach((example, i) => {
        if (!example.features) {
          throw new ModelError(
            `example ${example.id} has no features; the tabular model needs ${names.join(", ")}`,
          );
        }
        names.forEach((name, j) => {
          const value = example.features?.[name];
          const mean = meta.featureMeans?.[j] ?? 0;
          const std = meta.featureStds?.[j] ?? 1;
          features[i * width + j] =
            typeof value === "number" && Number.isFinite(value) ? (value - mean) / std : 0;
        });
      });
      return { features };
    }
    const vocabulary = this.vocabulary as Vocabulary;
    return {
      texts: encodeTexts(
        examples.map((example) => tokenize(example.text ?? "")),
        vocabulary,
        meta.maxTokens,
      ),
    };
  }

  /** Raw network outputs (logits or standardised values), row-major `examples.length × outputs`. */
  outputs(inputs: NetworkInputs, count: number): Float32Array {
    const width = this.meta.spec.outputs;
    const out = new Float32Array(count * width);
    for (let start = 0; start < count; start += predictBatch) {
      const rows: number[] = [];
      for (let i = start; i < Math.min(count, start + predictBatch); i++) rows.push(i);
      out.set(this.network.outputs(inputs, rows), start * width);
    }
    return out;
  }

  /** Predictions from raw outputs: labels with class probabilities, or values in the target's units. */
  toPredictions(examples: readonly Example[], outputs: Float32Array): Prediction[] {
    const { meta } = this;
    const width = meta.spec.outputs;
    return examples.map((example, i) => {
      if (meta.task === "regression") {
        return {
          id: example.id,
          value: (outputs[i] as number) * (meta.targetStd ?? 1) + (meta.targetMean ?? 0),
        };
      }
      const probabilities = softmax(outputs.subarray(i * width, (i + 1) * width));
      let best = 0;
      probabilities.forEach((p, k) => {
        if (p > (probabilities[best] as number)) best = k;
      });
      const scores: Record<string, number> = {};
      meta.labels.forEach((label, k) => {
        scores[label] = probabilities[k] as number;
      });
      return { id: example.id, label: meta.labels[best] as string, scores };
    });
  }

  /** Predicts every example. */
  predict(examples: readonly Example[]): Prediction[] {
    return this.toPredictions(examples, this.outputs(this.encode(examples), examples.length));
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.network.dispose();
  }
}

/** Softmax in float64 (stable: shifted by the maximum). */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, logits[k] as number);
  const exps = Array.from({ length: logits.length }, (_, k) => Math.exp((logits[k] as number) - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}
