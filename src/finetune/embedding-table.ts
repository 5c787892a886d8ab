import { header } from "./embedding-kernels.js";
import type { AxpyPairKernel } from "./max-pooled-conv.js";
import { TableMemory } from "./table-memory.js";
import type { EncodedTexts } from "./vocabulary.js";

/** Optimisers the embedding table implements sparsely (only rows a batch touches are updated). */
export type SparseOptimizerName = "adam" | "sgd" | "rmsprop";

/** How the embedding table learns. */
export interface SparseOptimizerOptions {
  optimizer: SparseOptimizerName;
  learningRate: number;
  weightDecay: number;
}

// The same constants as tf.train.adam / tf.train.rmsprop defaults, so head and table agree.
const beta1 = 0.9;
const beta2 = 0.999;
const rmsDecay = 0.9;
const epsilon = 1e-7;

/**
 * A trainable embedding table kept in Float32Arrays in one WebAssembly memory. The lookup (gather, mean
 * pooling), its backward pass (scatter-add) and lazy Adam run as SIMD kernels at even widths
 * (embedding-kernels.ts) and as plain loops otherwise, with the same float32 arithmetic. The optimiser is
 * lazy: each step updates the gradient moments and weights of the rows the batch touched only (like TF's
 * LazyAdam and PyTorch's SparseAdam), instead of all `rows × dim` weights; rows never touched keep their
 * moments unchanged. The gradient rows are packed in the order rows were first touched since the last
 * update, so a step writes and reads back only as many as the batch touched.
 */
export class EmbeddingTable {
  readonly rows: number;
  readonly dim: number;
  private readonly options: SparseOptimizerOptions;
  private touchedCount = 0;
  private step = 0;
  private readonly memory: TableMemory;

  /** A table holding a copy of `weights` (`rows × dim`, row-major). */
  constructor(weights: Float32Array, dim: number, options: SparseOptimizerOptions) {
    this.dim = dim;
    this.rows = weights.length / dim;
    this.options = options;
    this.memory = new TableMemory(this.rows, dim);
    this.memory.view().weights.set(weights);
  }

  /** The weights, `rows × dim` row-major: a view of the table's memory to read or set now, not to keep. */
  get weights(): Float32Array {
    return this.memory.view().weights;
  }

  /** Mean of each selected text's token vectors (`rows.length × dim`); a zero vector for an empty text. */
  meanBag(texts: EncodedTexts, rows: readonly number[]): Float32Array {
    const { dim, memory } = this;
    if (memory.kernels) {
      const batch = memory.stageBatch(texts, rows);
      memory.kernels.bagGather(batch.counts, batch.ids, batch.rows, rows.length, 0);
      return memory.floatsAt(batch.rows, rows.length * dim);
    }
    const { weights } = memory.view();
    const { ids, offsets } = texts;
    const out = new Float32Array(rows.length * dim);
    for (let b = 0; b < rows.length; b++) {
      const row = rows[b] as number;
      const start = offsets[row] as number;
      const end = offsets[row + 1] as number;
      const base = b * dim;
      for (let t = start; t < end; t++) {
        const offset = (ids[t] as number) * dim;
        for (let j = 0; j < dim; j++)
          out[base + j] = (out[base + j] as number) + (weights[offset + j] as number);
      }
      const count = end - start;
      if (count > 0) for (let j = 0; j < dim; j++) out[base + j] = (out[base + j] as number) / count;
    }
    return out;
  }

  /** The SIMD kernel of the convolution backward's inner loop over this table's memory, when it has one. */
  get axpyPairKernel(): AxpyPairKernel | undefined {
    const { memory } = this;
    const run = memory.kernels?.axpyPair;
    if (!run) return undefined;
    return { floats: (sizes) => memory.scratchFloats(sizes), vectorsAddress: memory.weightsAddress, run };
  }

  /** The vectors of the given token ids, `ids.length × dim` row-major. */
  gatherRows(ids: Int32Array): Float32Array {
    const { dim } = this;
    const { weights } = this.memory.view();
    const out = new Float32Array(ids.length * dim);
    ids.forEach((id, k) => {
      out.set(weights.subarray(id * dim, (id + 1) * dim), k * dim);
    });
    return out;
  }

  /**
   * Where the vectors of unfolded convolution windows ("im2col") lie in `weights`: for each window
   * `b · length + position` in `indices`, `width` element offsets, one per slot j, of the vector of token
   * `position + j - ⌊(width-1)/2⌋` of text `rows[b]` ("same" padding), or -1 where that lies outside the text
   * (a zero vector). Shape `indices.length × width`.
   */
  windowRows(
    texts: EncodedTexts,
    rows: readonly number[],
    length: number,
    width: number,
    indices: Int32Array,
  ): Int32Array {
    const { dim } = this;
    const before = Math.floor((width - 1) / 2);
    const out = new Int32Array(indices.length * width).fill(-1);
    indices.forEach((index, k) => {
      const b = Math.floor(index / length);
      const p = index - b * length;
      const row = rows[b] as number;
      const start = texts.offsets[row] as number;
      const valid = Math.min((texts.offsets[row + 1] as number) - start, length);
      if (p >= valid) return;
      for (let j = Math.max(0, before - p); j < width && p + j - before < valid; j++)
        out[k * width + j] = (texts.ids[start + p + j - before] as number) * dim;
    });
    return out;
  }

  /** Gives row `id` the next gradient slot unless it has one; the offset of its gradient row. */
  private touch(id: number, slots: Int32Array, touched: Int32Array): number {
    let slot = slots[id] as number;
    if (slot === 0) {
      touched[this.touchedCount++] = id;
      slot = this.touchedCount;
      slots[id] = slot;
    }
    return (slot - 1) * this.dim;
  }

  /** Backward of `meanBag`: scatters each text's pooled gradient / its length onto its token rows. */
  accumulateBag(texts: EncodedTexts, rows: readonly number[], pooledGrad: Float32Array): void {
    const { dim, memory } = this;
    if (memory.kernels) {
      const batch = memory.stageBatch(texts, rows, pooledGrad);
      memory.view().i32[header.touchedCount / 4] = this.touchedCount;
      memory.kernels.bagScatter(batch.counts, batch.ids, batch.rows, rows.length, 0);
      this.touchedCount = memory.view().i32[header.touchedCount / 4] as number;
      return;
    }
    const { grad, slots, touched, scaled } = memory.view();
    const { ids, offsets } = texts;
    // Float32 arithmetic, as the kernel's lanes: `scaled` is a Float32Array, and a double sum of two
    // float32 values stored into one rounds exactly as a float32 add.
    for (let b = 0; b < rows.length; b++) {
      const row = rows[b] as number;
      const start = offsets[row] as number;
      const end = offsets[row + 1] as number;
      if (end === start) continue;
      const count = end - start;
      const base = b * dim;
      for (let j = 0; j < dim; j++) scaled[j] = (pooledGrad[base + j] as number) / count;
      for (let t = start; t < end; t++) {
        const offset = this.touch(ids[t] as number, slots, touched);
        for (let j = 0; j < dim; j++) grad[offset + j] = (grad[offset + j] as number) + (scaled[j] as number);
      }
    }
  }

  /**
   * Backward of `windows`: scatters each window slot's gradient onto the row of the token in that slot.
   * `windowGrad` holds one `width · dim` row per window, for every window in order or, when
   * `windowIndices` is given, for the windows `b · length + position` it lists (the rest have zero gradient).
   * Every token row of the texts is touched either way.
   */
  accumulateWindows(
    texts: EncodedTexts,
    rows: readonly number[],
    length: number,
    width: number,
    windowGrad: Float32Array,
    windowIndices?: Int32Array,
  ): void {
    const { dim } = this;
    const { grad, slots, touched } = this.memory.view();
    const span = width * dim;
    // Every token row of the texts counts as touched, as in the dense case, even where its gradient is
    // zero: the lazy optimiser then moves the same rows (momentum, weight decay) whichever windows won.
    for (const row of rows) {
      const start = texts.offsets[row] as number;
      const end = Math.min(texts.offsets[row + 1] as number, start + length);
      for (let t = start; t < end; t++) this.touch(texts.ids[t] as number, slots, touched);
    }
    const indices = windowIndices ?? Int32Array.from({ length: rows.length * length }, (_, k) => k);
    const windowRows = this.windowRows(texts, rows, length, width, indices);
    for (let k = 0; k < indices.length; k++) {
      for (let j = 0; j < width; j++) {
        // Window slot j's token row (already touched above), or -1 outside the text.
        const row = windowRows[k * width + j] as number;
        if (row < 0) continue;
        const offset = ((slots[row / dim] as number) - 1) * dim;
        const base = k * span + j * dim;
        for (let i = 0; i < dim; i++)
          grad[offset + i] = (grad[offset + i] as number) + (windowGrad[base + i] as number);
      }
    }
  }

  /** Applies one lazy optimiser step to the touched rows and clears their gradients. */
  applyUpdate(): void {
    const { dim, memory } = this;
    const { grad, weights, first, second, touched, slots, i32, f64 } = memory.view();
    const { optimizer, learningRate, weightDecay } = this.options;
    this.step++;
    const stepSize = learningRate / (1 - beta1 ** this.step);
    const secondCorrection = 1 / (1 - beta2 ** this.step);
    const count = this.touchedCount;
    this.touchedCount = 0;
    if (optimizer === "adam" && memory.kernels) {
      i32[header.touchedCount / 4] = count;
      f64[header.weightDecay / 8] = weightDecay;
      f64[header.beta1 / 8] = beta1;
      f64[header.oneMinusBeta1 / 8] = 1 - beta1;
      f64[header.beta2 / 8] = beta2;
      f64[header.oneMinusBeta2 / 8] = 1 - beta2;
      f64[header.stepSize / 8] = stepSize;
      f64[header.secondCorrection / 8] = secondCorrection;
      f64[header.epsilon / 8] = epsilon;
      memory.kernels.lazyAdam(0, 0, 0, 0, 0);
      return;
    }
    // Adam rounds every operation to float32, as the kernel's lanes (a double result of float32
    // operands, rounded once, is the float32 result for + − × ÷ and √).
    const f = Math.fround;
    const [decay, b1, c1, b2, c2] = [f(weightDecay), f(beta1), f(1 - beta1), f(beta2), f(1 - beta2)];
    const [step, correction, eps] = [f(stepSize), f(secondCorrection), f(epsilon)];
    // One loop per optimiser keeps the hot loops branch-free. Row k's gradient is slot k's: i - shift.
    for (let k = 0; k < count; k++) {
      const id = touched[k] as number;
      slots[id] = 0;
      const end = (id + 1) * dim;
      const shift = (id - k) * dim;
      if (optimizer === "adam") {
        for (let i = id * dim; i < end; i++) {
          const w = weights[i] as number;
          const g = f((grad[i - shift] as number) + f(decay * w));
          grad[i - shift] = 0;
          const m = f(f(b1 * (first[i] as number)) + f(c1 * g));
          const v = f(f(b2 * (second[i] as number)) + f(f(c2 * g) * g));
          first[i] = m;
          second[i] = v;
          weights[i] = w - f(f(step * m) / f(f(Math.sqrt(f(v * correction))) + eps));
        }
      } else if (optimizer === "rmsprop") {
        for (let i = id * dim; i < end; i++) {
          const g = (grad[i - shift] as number) + weightDecay * (weights[i] as number);
          grad[i - shift] = 0;
          const ms = rmsDecay * (second[i] as number) + (1 - rmsDecay) * g * g;
          second[i] = ms;
          weights[i] = (weights[i] as number) - (learningRate * g) / Math.sqrt(ms + epsilon);
        }
      } else {
        for (let i = id * dim; i < end; i++) {
          const g = (grad[i - shift] as number) + weightDecay * (weights[i] as number);
          grad[i - shift] = 0;
          weights[i] = (weights[i] as number) - learningRate * g;
        }
      }
    }
  }
}
