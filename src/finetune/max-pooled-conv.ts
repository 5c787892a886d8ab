/**
 * Max-over-time pooling of a 1-D convolution's responses and its backward pass, in plain loops.
 *
 * Only one position per (text, filter) wins the max, so the gradient that reaches the convolution is
 * non-zero at `batch × filters` of the `batch × length × filters` responses. Computing it densely in
 * TensorFlow.js (a broadcast equality mask, then two `(batch · length)`-row matMuls and a dense
 * `(batch · length) × (width · dim)` window gradient read back to TypeScript) cost most of a training step;
 * following only the winning positions costs `batch × filters × width × dim` multiply-adds.
 */

/** Each filter's maximum over a text's valid positions and where it lies (`batch × filters`, row-major). */
export interface MaxOverTime {
  /** The maximum response (before the bias and ReLU, which commute with the max). */
  pooled: Float32Array;
  /**
   * The positions that reach it: those of (text b, filter f) are `winners[winnerOffsets[b · filters + f]]`
   * up to the next offset. Repeated tokens make identical windows, so ties are common; tied positions share
   * the gradient equally, as TensorFlow's `reduce_max` gradient does (TensorFlow.js's `max` gives each the
   * full gradient, counting a repeated window's gradient once per repeat, while the bias, added after the
   * max, would count it once).
   */
  winners: Int32Array;
  winnerOffsets: Int32Array;
}

/**
 * Max over time of convolution responses `(batch · length) × filters`: text b's valid positions are the
 * first `validLengths[b]` (at least 1, so an empty text pools its all-zero window).
 */
export function maxOverTime(
  responses: Float32Array,
  validLengths: Int32Array,
  length: number,
  filters: number,
): MaxOverTime {
  const batch = validLengths.length;
  const pooled = new Float32Array(batch * filters);
  const winnerOffsets = new Int32Array(batch * filters + 1);
  let winners = new Int32Array(batch * filters);
  let count = 0;
  for (let b = 0; b < batch; b++) {
    const out = b * filters;
    const valid = Math.max(1, validLengths[b] as number);
    pooled.set(responses.subarray(b * length * filters, (b * length + 1) * filters), out);
    for (let t = 1; t < valid; t++) {
      const row = (b * length + t) * filters;
      for (let f = 0; f < filters; f++) {
        const value = responses[row + f] as number;
        if (value > (pooled[out + f] as number)) pooled[out + f] = value;
      }
    }
    for (let f = 0; f < filters; f++) {
      winnerOffsets[out + f] = count;
      const best = pooled[out + f] as number;
      for (let t = 0; t < valid; t++) {
        if (responses[(b * length + t) * filters + f] !== best) continue;
        if (count === winners.length) {
          const grown = new Int32Array(winners.length * 2);
          grown.set(winners);
          winners = grown;
        }
        winners[count++] = t;
      }
    }
  }
  winnerOffsets[batch * filters] = count;
  return { pooled, winners: winners.subarray(0, count), winnerOffsets };
}

/** Gradients of a max-pooled unfolded convolution, given the gradient of its pooled output. */
export interface MaxPooledConvGradients {
  /** Gradient of the unfolded kernel, `(width · dim) × filters` like the kernel. */
  kernel: Float32Array;
  /** The windows whose gradient is non-zero, as `b · length + position`. */
  windowIndices: Int32Array;
  /** Their gradients, `windowIndices.length × (width · dim)`. */
  windows: Float32Array;
}

/**
 * The vectors that make up unfolded convolution windows: `rowsOf(indices)` gives, for each window
 * `b · length + position`, one element offset into `vectors` per window slot (`dim` floats from there), or -1
 * for a slot outside the text (a zero vector). Windows are read where they lie and never copied.
 */
export interface WindowSource {
  vectors: Float32Array;
  dim: number;
  rowsOf(indices: Int32Array): Int32Array;
}

/**
 * Backward of `maxOverTime(windows · kernel)`: the kernel gradient `Σ window ⊗ pooledGrad` and the
 * gradient of each winning window `kernel · pooledGrad`, over the winning positions only (tied positions
 * share it equally). A slot outside the text gets no gradient (nothing receives it).
 */
export function maxPooledConvBackward(
  source: WindowSource,
  kernel: Float32Array,
  pooling: MaxOverTime,
  pooledGrad: Float32Array,
  length: number,
  filters: number,
): MaxPooledConvGradients {
  const span = kernel.length / filters;
  const { vectors, dim } = source;
  const width = span / dim;
  const batch = pooledGrad.length / filters;
  const { winners, winnerOffsets } = pooling;
  // The distinct winning windows get compact slots; slotOf[p] is window p's slot while text b is visited.
  const slotOf = new Int32Array(length).fill(-1);
  const slots = new Int32Array(winners.length);
  const indices: number[] = [];
  for (let b = 0; b < batch; b++) {
    const from = winnerOffsets[b * filters] as number;
    const to = winnerOffsets[(b + 1) * filters] as number;
    for (let k = from; k < to; k++) {
      const p = winners[k] as number;
      if (slotOf[p] === -1) {
        slotOf[p] = indices.length;
        indices.push(b * length + p);
      }
      slots[k] = slotOf[p] as number;
    }
    for (let k = from; k < to; k++) slotOf[winners[k] as number] = -1;
  }
  const windowIndices = Int32Array.from(indices);
  const windowRows = source.rowsOf(windowIndices);
  const windowGrads = new Float32Array(indices.length * span);
  // Filter-major copies of the kernel and its gradient, so the inner loop reads and writes contiguously.
  const kernelByFilter = new Float32Array(kernel.length);
  for (let i = 0; i < span; i++)
    for (let f = 0; f < filters; f++) kernelByFilter[f * span + i] = kernel[i * filters + f] as number;
  const gradByFilter = new Float32Array(kernel.length);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < filters; f++) {
      const from = winnerOffsets[b * filters + f] as number;
      const to = winnerOffsets[b * filters + f + 1] as number;
      const g = (pooledGrad[b * filters + f] as number) / (to - from);
      if (g === 0) continue;
      for (let k = from; k < to; k++) {
        const slot = slots[k] as number;
        for (let j = 0; j < width; j++) {
          const row = windowRows[slot * width + j] as number;
          if (row < 0) continue;
          const column = f * span + j * dim;
          const out = slot * span + j * dim;
          for (let i = 0; i < dim; i++) {
            gradByFilter[column + i] =
              (gradByFilter[column + i] as number) + g * (vectors[row + i] as number);
            windowGrads[out + i] =
              (windowGrads[out + i] as number) + g * (kernelByFilter[column + i] as number);
          }
        }
      }
    }
  }
  const kernelGrad = new Float32Array(kernel.length);
  for (let f = 0; f < filters; f++)
    for (let i = 0; i < span; i++) kernelGrad[i * filters + f] = gradByFilter[f * span + i] as number;
  return { kernel: kernelGrad, windowIndices, windows: windowGrads };
}
