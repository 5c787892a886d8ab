import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../util/random.js";
import type { EmbeddingTable } from "./embedding-table.js";
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
   * CNN input: im2col windows `(B · T) × (width · dim)` plus a `B × T × 1` mask (0 valid, -1e9 padding),
   * so the convolution is one matMul (the wasm backend has no Conv2D backprop kernels) and the max over
   * time ignores padding.
   */
  private head(
    x: tf.Tensor,
    w: (name: string) => tf.Tensor,
    dropoutSeed: number | undefined,
    mask?: tf.Tensor3D,
  ): tf.Tensor2D {
    const { spec } = this;
    const drop = (h: tf.Tensor): tf.Tensor =>
      dropoutSeed !== undefined && spec.dropout > 0 ? tf.dropout(h, spec.dropout, undefined, dropoutSeed) : h;
    let h: tf.Tensor;
    if (spec.model === "cnn" && mask) {
      const conv = tf.relu(
        tf.add(unfoldedConv(x as tf.Tensor2D, w("conv/kernel") as tf.Tensor2D), w("conv/bias")),
      );
      const [batch, length] = mask.shape;
      h = tf.max(tf.add(tf.reshape(conv, [batch, length, spec.hidden]), mask), 1);
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

  /** The tensor that enters the dense graph for these rows (pooled bag, embedded sequence or features). */
  private input(
    inputs: NetworkInputs,
    rows: readonly number[],
  ): { x: tf.Tensor; mask?: tf.Tensor3D; length: number } {
    const { spec } = this;
    if (spec.model === "mlp") {
      const features = inputs.features as Float32Array;
      const width = spec.inputDim;
      const out = new Float32Array(rows.length * width);
      rows.forEach((row, b) => {
        out.set(features.subarray(row * width, (row + 1) * width), b * width);
      });
      return { x: tf.tensor2d(out, [rows.length, width]), length: 0 };
    }
    const table = this.table as EmbeddingTable;
    const texts = inputs.texts as EncodedTexts;
    if (spec.model === "bag") {
      return { x: tf.tensor2d(table.meanBag(texts, rows), [rows.length, table.dim]), length: 0 };
    }
    const length = this.sequenceLength(inputs, rows);
    const width = spec.kernelSize;
    const windows = table.windows(texts, rows, length, width);
    const mask = new Float32Array(rows.length * length);
    rows.forEach((row, b) => {
      const count = Math.max(1, (texts.offsets[row + 1] as number) - (texts.offsets[row] as number));
      for (let t = Math.min(count, length); t < length; t++) mask[b * length + t] = -1e9;
    });
    return {
      x: tf.tensor2d(windows, [rows.length * length, width * table.dim]),
      mask: tf.tensor3d(mask, [rows.length, length, 1]),
      length,
    };
  }

  /** Outputs (logits or standardised values) for the rows, `rows.length × outputs`, without dropout. */
  outputs(inputs: NetworkInputs, rows: readonly number[]): Float32Array {
    return tf.tidy(() => {
      const { x, mask } = this.input(inputs, rows);
      return this.head(x, (name) => this.weight(name), undefined, mask).dataSync() as Float32Array;
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
    const { names, variables } = this;
    const { value, inputGrad, length } = tf.tidy(() => {
      const { x, mask, length } = this.input(inputs, rows);
      const target = batchTargets(targets, rows, this.spec.outputs);
      const lossOf = (xIn: tf.Tensor, ...weights: tf.Tensor[]): tf.Scalar => {
        const lookup = (name: string) => weights[names.indexOf(name)] as tf.Tensor;
        const out = this.head(xIn, lookup, dropoutSeed, mask);
        let total = lossTensor(out, target, loss.kind);
        if (loss.weightDecay > 0) {
          names.forEach((name, i) => {
            if (name.endsWith("/kernel")) {
              total = tf.add(
                total,
                tf.mul(0.5 * loss.weightDecay, tf.sum(tf.square(weights[i] as tf.Tensor))),
              );
            }
          });
        }
        return total as tf.Scalar;
      };
      // The input's gradient is only needed (and only computed) when the table trains.
      const withInput = this.trainTable;
      const { value, grads } = withInput
        ? tf.valueAndGrads(lossOf)([x, ...variables])
        : tf.valueAndGrads((...weights: tf.Tensor[]) => lossOf(x, ...weights))(variables);
      const offset = withInput ? 1 : 0;
      const named: tf.NamedTensorMap = {};
      variables.forEach((variable, i) => {
        named[variable.name] = grads[i + offset] as tf.Tensor;
      });
      optimizer.applyGradients(named);
      const inputGrad = withInput ? ((grads[0] as tf.Tensor).dataSync() as Float32Array) : undefined;
      return { value: value.dataSync()[0] as number, inputGrad, length };
    });
    if (inputGrad && this.table && inputs.texts) {
      if (this.spec.model === "bag") this.table.accumulateBag(inputs.texts, rows, inputGrad);
      else this.table.accumulateWindows(inputs.texts, rows, length, this.spec.kernelSize, inputGrad);
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

/**
 * `x · w` for the big im2col matrix, with a backward pass that avoids the wasm backend's slow transposed
 * matMuls: dx = dy · wᵀ (w is small) and dw = (dyᵀ · x)ᵀ (transposes dy, not the wider x).
 */
const unfoldedConv = tf.customGrad((...args: unknown[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const grad = dy as tf.Tensor2D;
      return [tf.matMul(grad, tf.transpose(ws)), tf.transpose(tf.matMul(tf.transpose(grad), xs))];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

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
