import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../util/random.js";
import type { EmbeddingTable } from "./embedding-table.js";
import { type MaxOverTime, maxOverTime, maxPooledConvBackward } from "./max-pooled-conv.js";
import { batchTokens, projectTokens, shiftedSums } from "./token-projected-conv.js";
import type { EncodedTexts } from "./vocabulary.js";

/** The architecture of a network: what feeds the head and how wide each layer is. */
export interface NetworkSpec {
  model: "bag" | "cnn" | "mlp";
  /** Embedding width (text models) or number of features (tabular). */
  inputDim: number;
  /** Hidden units of the head (0 = linear); CNN filters. */
  hidden: number;
  kernelSize: number;
  /** Classes (classification) or 1 (regression). */
  outputs: number;
  dropout: number;
}

/** A network's inputs: encoded texts for text models, row-major standardised features for tabular ones. */
export interface NetworkInputs {
  texts?: EncodedTexts;
  features?: Float32Array;
}

/** Training targets: class indices with per-example weights, or standardised values. */
export interface NetworkTargets {
  classes?: Int32Array;
  weights?: Float32Array;
  values?: Float32Array;
}

/** What the training loss is (on the head's outputs). */
export interface LossSpec {
  kind: "crossentropy" | "mse" | "huber";
  weightDecay: number;
}

/** A named weight array with its shape, as saved in a model artifact. */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

function glorotUniform(rng: Rng, shape: number[], fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (rng.next() * 2 - 1) * limit;
  return out;
}

/** Seeded initial head weights (Glorot-uniform kernels, zero biases) for a spec. */
export function initialHeadWeights(spec: NetworkSpec, rng: Rng): NamedWeight[] {
  const weights: NamedWeight[] = [];
  let width = spec.inputDim;
  if (spec.model === "cnn") {
    // The convolution kernel is stored unfolded, (width · dim) × filters, to multiply im2col windows.
    const shape = [spec.kernelSize * spec.inputDim, spec.hidden];
    const values = glorotUniform(rng, shape, spec.kernelSize * spec.inputDim, spec.kernelSize * spec.hidden);
    weights.push({ name: "conv/kernel", shape, values });
    weights.push({ name: "conv/bias", shape: [spec.hidden], values: new Float32Array(spec.hidden) });
    width = spec.hidden;
  } else if (spec.hidden > 0) {
    const shape = [width, spec.hidden];
    weights.push({ name: "hidden/kernel", shape, values: glorotUniform(rng, shape, width, spec.hidden) });
    weights.push({ name: "hidden/bias", shape: [spec.hidden], values: new Float32Array(spec.hidden) });
    width = spec.hidden;
  }
  const shape = [width, spec.outputs];
  weights.push({ name: "output/kernel", shape, values: glorotUniform(rng, shape, width, spec.outputs) });
  weights.push({ name: "output/bias", shape: [spec.outputs], values: new Float32Array(spec.outputs) });
  return weights;
}

function createOptimizer(name: "adam" | "sgd" | "rmsprop", learningRate: number): tf.Optimizer {
  if (name === "sgd") return tf.train.sgd(learningRate);
  if (name === "rmsprop") return tf.train.rmsprop(learningRate);
  return tf.train.adam(learningRate);
}

/**
 * A network whose dense part (convolution, hidden and output layers) lives in TensorFlow.js while the
 * embedding table (text models) lives in TypeScript: the table's pooled or sequence output enters the
 * graph as an input tensor, and the gradient with respect to that input is scattered back into the table.
 */
export class Network {
  readonly spec: NetworkSpec;
  readonly table: EmbeddingTable | undefined;
  /** Whether the table is updated by training (false: frozen embeddings, feature extraction). */
  readonly trainTable: boolean;
  private readonly names: string[];
  private readonly variables: tf.Variable[];
  private optimizer: tf.Optimizer | undefined;
  /** Scratch for the CNN's distinct-token lookup: -1 for every table row between batches. */
  private slotOfToken: Int32Array | undefined;
  /** Scratch for the CNN's responses, reused across batches. */
  private responses: Float32Array | undefined;

  constructor(
    spec: NetworkSpec,
    head: NamedWeight[],
    table: EmbeddingTable | undefined,
    training?: { optimizer: "adam" | "sgd" | "rmsprop"; learningRate: number; trainTable: boolean },
  ) {
    this.spec = spec;
    this.table = table;
    this.trainTable = training?.trainTable ?? false;
    this.names = head.map((weight) => weight.name);
    this.variables = head.map((weight) => {
      const initial = tf.tensor(weight.values, weight.shape, "float32");
      const variable = tf.variable(initial, true);
      initial.dispose();
      return variable;
    });
    this.optimizer = training ? createOptimizer(training.optimizer, training.learningRate) : undefined;
  }

  private weight(name: string): tf.Tensor {
    return this.variables[this.names.indexOf(name)] as tf.Tensor;
  }

  /**
   * The head's forward pass on the input tensor, with weights taken from `w` (so gradients can flow).
   * CNN input: each filter's response maximised over time, before bias and ReLU (both commute with the
   * max), so the head adds the bias and applies the ReLU.
   */
  private head(x: tf.Tensor, w: (name: string) => tf.Tensor, dropoutSeed: number | undefined): tf.Tensor2D {
    const { spec } = this;
    const drop = (h: tf.Tensor): tf.Tensor =>
      dropoutSeed !== undefined && spec.dropout > 0 ? tf.dropout(h, spec.dropout, undefined, dropoutSeed) : h;
    let h: tf.Tensor;
    if (spec.model === "cnn") {
      h = tf.relu(tf.add(x, w("conv/bias")));
    } else if (spec.hidden > 0) {
      h = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w("hidden/kernel") as tf.Tensor2D), w("hidden/bias")));
    } else {
      h = x;
    }
    return tf.add(tf.matMul(drop(h) as tf.Tensor2D, w("output/kernel") as tf.Tensor2D), w("output/bias"));
  }

  private sequenceLength(inputs: NetworkInputs, rows: readonly number[]): number {
    const texts = inputs.texts as EncodedTexts;
    let longest = 1;
    for (const row of rows)
      longest = Math.max(longest, (texts.offsets[row + 1] as number) - (texts.offsets[row] as number));
    return longest;
  }

  /** The tensor that enters the dense graph for these rows (pooled bag, max-pooled convolution or features). */
  private input(inputs: NetworkInputs, rows: readonly number[]): { x: tf.Tensor; conv?: ConvForward } {
    const { spec } = this;
    if (spec.model === "mlp") {
      const features = inputs.features as Float32Array;
      const width = spec.inputDim;
      const out = new Float32Array(rows.length * width);
      rows.forEach((row, b) => {
        out.set(features.subarray(row * width, (row + 1) * width), b * width);
      });
      return { x: tf.tensor2d(out, [rows.length, width]) };
    }
    const table = this.table as EmbeddingTable;
    const texts = inputs.texts as EncodedTexts;
    if (spec.model === "bag") {
      return { x: tf.tensor2d(table.meanBag(texts, rows), [rows.length, table.dim]) };
    }
    const conv = this.convForward(texts, rows);
    return { x: tf.tensor2d(conv.pooling.pooled, [rows.length, spec.hidden]), conv };
  }

  /**
   * The convolution per distinct token (token-projected-conv.ts: one matMul of the batch's distinct token
   * vectors by the kernel's per-slot blocks, then shifted sums per position), then max over each text's valid
   * positions in TypeScript. The wasm backend has no Conv2D backprop kernels; the backward pass follows the
   * winning windows only (max-pooled-conv.ts).
   */
  private convForward(texts: EncodedTexts, rows: readonly number[]): ConvForward {
    const { spec } = this;
    const table = this.table as EmbeddingTable;
    const length = this.sequenceLength({ texts }, rows);
    this.slotOfToken ??= new Int32Array(table.rows).fill(-1);
    const batch = batchTokens(texts, rows, length, this.slotOfToken);
    const projections = projectTokens(
      table.gatherRows(batch.tokens),
      batch.tokens.length,
      this.weight("conv/kernel") as tf.Tensor2D,
      spec.kernelSize,
    );
    const responses = shiftedSums(projections, batch, length, spec.kernelSize, spec.hidden, this.responses);
    if (responses.buffer !== this.responses?.buffer) this.responses = responses;
    return { length, pooling: maxOverTime(responses, batch.validLengths, length, spec.hidden) };
  }

  /** Outputs (logits or standardised values) for the rows, `rows.length × outputs`, without dropout. */
  outputs(inputs: NetworkInputs, rows: readonly number[]): Float32Array {
    return tf.tidy(() => {
      const { x } = this.input(inputs, rows);
      return this.head(x, (name) => this.weight(name), undefined).dataSync() as Float32Array;
    });
  }

  /** One optimisation step on the rows; returns the batch's training loss (before the update). */
  trainStep(
    inputs: NetworkInputs,
    rows: readonly number[],
    targets: NetworkTargets,
    loss: LossSpec,
    dropoutSeed: number,
  ): number {
    const optimizer = this.optimizer;
    if (!optimizer) throw new Error("network was built without an optimizer");
    const { names, spec } = this;
    const cnn = spec.model === "cnn";
    // The CNN's kernel gradient is computed in TypeScript from the pooled input's gradient (see
    // max-pooled-conv.ts); TensorFlow.js differentiates the rest of the head.
    const tracked = cnn ? names.filter((name) => name !== "conv/kernel") : names;
    const trackedVariables = tracked.map((name) => this.variables[names.indexOf(name)] as tf.Variable);
    // The input's gradient is needed when the table trains, and always by the CNN's kernel.
    const withInput = cnn || (this.trainTable && spec.model === "bag");
    let tableUpdate: (() => void) | undefined;
    const value = tf.tidy(() => {
      const { x, conv } = this.input(inputs, rows);
      const target = batchTargets(targets, rows, spec.outputs);
      const lossOf = (xIn: tf.Tensor, ...weights: tf.Tensor[]): tf.Scalar => {
        const lookup = (name: string) => {
          const i = tracked.indexOf(name);
          return i >= 0 ? (weights[i] as tf.Tensor) : this.weight(name);
        };
        const out = this.head(xIn, lookup, dropoutSeed);
        let total = lossTensor(out, target, loss.kind);
        if (loss.weightDecay > 0) {
          for (const name of names) {
            if (name.endsWith("/kernel")) {
              total = tf.add(total, tf.mul(0.5 * loss.weightDecay, tf.sum(tf.square(lookup(name)))));
            }
          }
        }
        return total as tf.Scalar;
      };
      const { value, grads } = withInput
        ? tf.valueAndGrads(lossOf)([x, ...trackedVariables])
        : tf.valueAndGrads((...weights: tf.Tensor[]) => lossOf(x, ...weights))(trackedVariables);
      const offset = withInput ? 1 : 0;
      const named: tf.NamedTensorMap = {};
      trackedVariables.forEach((variable, i) => {
        named[variable.name] = grads[i + offset] as tf.Tensor;
      });
      // Small (B × dim or B × filters) and read inside the scope; tf.tidy walks every key of what it
      // returns, so a big typed array must never be returned from it.
      const inputGrad = withInput ? ((grads[0] as tf.Tensor).dataSync() as Float32Array) : undefined;
      if (conv && inputGrad) {
        const kernel = this.variables[names.indexOf("conv/kernel")] as tf.Variable;
        const table = this.table as EmbeddingTable;
        const simd = table.axpyPairKernel;
        const kernelValues = kernel.dataSync() as Float32Array;
        const backward = maxPooledConvBackward(
          {
            vectors: table.weights,
            dim: table.dim,
            ...(simd ? { kernel: simd } : {}),
            rowsOf: (indices) =>
              table.windowRows(inputs.texts as EncodedTexts, rows, conv.length, spec.kernelSize, indices),
          },
          kernelValues,
          conv.pooling,
          inputGrad,
          conv.length,
          spec.hidden,
        );
        if (loss.weightDecay > 0) {
          for (let i = 0; i < kernelValues.length; i++)
            backward.kernel[i] =
              (backward.kernel[i] as number) + loss.weightDecay * (kernelValues[i] as number);
        }
        named[kernel.name] = tf.tensor(backward.kernel, kernel.shape, "float32");
        if (this.trainTable)
          tableUpdate = () =>
            this.table?.accumulateWindows(
              inputs.texts as EncodedTexts,
              rows,
              conv.length,
              spec.kernelSize,
              backward.windows,
              backward.windowIndices,
            );
      } else if (inputGrad && this.trainTable) {
        tableUpdate = () => this.table?.accumulateBag(inputs.texts as EncodedTexts, rows, inputGrad);
      }
      // One call for every weight: Adam's bias correction advances once per call.
      optimizer.applyGradients(named);
      return value.dataSync()[0] as number;
    });
    if (tableUpdate && this.table) {
      tableUpdate();
      this.table.applyUpdate();
    }
    return value;
  }

  /** Copies of every weight (head and table), e.g. to restore the best epoch or save the model. */
  weights(): NamedWeight[] {
    const out: NamedWeight[] = this.variables.map((variable, i) => ({
      name: this.names[i] as string,
      shape: variable.shape,
      values: (variable.dataSync() as Float32Array).slice(),
    }));
    if (this.table) {
      out.push({
        name: "embedding",
        shape: [this.table.rows, this.table.dim],
        values: this.table.weights.slice(),
      });
    }
    return out;
  }

  /** Sets every weight from copies made by `weights()`. */
  setWeights(weights: readonly NamedWeight[]): void {
    for (const weight of weights) {
      if (weight.name === "embedding") {
        this.table?.weights.set(weight.values);
        continue;
      }
      const variable = this.variables[this.names.indexOf(weight.name)];
      if (variable) tf.tidy(() => variable.assign(tf.tensor(weight.values, weight.shape, "float32")));
    }
  }

  /** Frees the variables and optimiser state. */
  dispose(): void {
    this.optimizer?.dispose();
    this.optimizer = undefined;
    for (const variable of this.variables) variable.dispose();
  }
}

/** The CNN's forward state that its backward pass needs. */
interface ConvForward {
  length: number;
  pooling: MaxOverTime;
}

interface BatchTargets {
  classes?: tf.Tensor2D;
  weights?: tf.Tensor1D;
  values?: tf.Tensor1D;
}

function batchTargets(targets: NetworkTargets, rows: readonly number[], outputs: number): BatchTargets {
  if (targets.classes) {
    const classes = targets.classes;
    const weights = targets.weights;
    const oneHot = new Float32Array(rows.length * outputs);
    const w = new Float32Array(rows.length);
    rows.forEach((row, b) => {
      oneHot[b * outputs + (classes[row] as number)] = 1;
      w[b] = weights ? (weights[row] as number) : 1;
    });
    return { classes: tf.tensor2d(oneHot, [rows.length, outputs]), weights: tf.tensor1d(w) };
  }
  const values = targets.values as Float32Array;
  return { values: tf.tensor1d(Float32Array.from(rows, (row) => values[row] as number)) };
}

function lossTensor(out: tf.Tensor2D, target: BatchTargets, kind: LossSpec["kind"]): tf.Scalar {
  if (kind === "crossentropy") {
    const perExample = tf.neg(tf.sum(tf.mul(target.classes as tf.Tensor2D, tf.logSoftmax(out)), 1));
    const weights = target.weights as tf.Tensor1D;
    return tf.div(tf.sum(tf.mul(perExample, weights)), tf.sum(weights));
  }
  const diff = tf.sub(tf.reshape(out, [-1]), target.values as tf.Tensor1D);
  if (kind === "mse") return tf.mean(tf.square(diff));
  const abs = tf.abs(diff);
  return tf.mean(tf.where(tf.lessEqual(abs, 1), tf.mul(0.5, tf.square(diff)), tf.sub(abs, 0.5)));
}
