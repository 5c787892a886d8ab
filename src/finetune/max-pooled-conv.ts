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
  /** The SIMD kernel for the inner loop, over the memory `vectors` lies in (absent: the TypeScript loop). */
  kernel?: AxpyPairKernel;
}

/** The backward's inner loop as a SIMD kernel (conv-backward-kernel.ts), over arrays in its own memory. */
export interface AxpyPairKernel {
  /** Zeroed float arrays of these sizes in the kernel's memory, and their byte addresses. */
  floats(sizes: readonly number[]): { views: Float32Array[]; addresses: number[] };
  /** Byte address of the window source's `vectors[0]`. */
  vectorsAddress: number;
  /** `grad += g·vector; out += g·kernel` over one row of `dim` floats: byte addresses, g's float32 bits. */
  run(vector: number, grad: number, kernel: number, out: number, gBits: number): void;
}

const float32 = new Float32Array(1);
const float32Bits = new Int32Array(float32.buffer);

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
  const simd = source.kernel;
  const sizes = [kernel.length, kernel.length, indices.length * span];
  const scratch = simd?.floats(sizes);
  // Filter-major copies of the kernel and its gradient, so the inner loop reads and writes contiguously.
  const [kernelByFilter, gradByFilter, windowGrads] = (scratch?.views ??
    sizes.map((size) => new Float32Array(size))) as [Float32Array, Float32Array, Float32Array];
  const [kernelAt, gradAt, outAt] = (scratch?.addresses ?? [0, 0, 0]) as [number, number, number];
  for (let i = 0; i < span; i++)
    for (let f = 0; f < filters; f++) kernelByFilter[f * span + i] = kernel[i * filters + f] as number;
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < filters; f++) {
      const from = winnerOffsets[b * filters + f] as number;
      const to = winnerOffsets[b * filters + f + 1] as number;
      // Float32 arithmetic throughout (each product and sum rounded), so kernel and loop agree bit for bit.
      float32[0] = (pooledGrad[b * filters + f] as number) / (to - from);
      const g = float32[0] as number;
      if (g === 0) continue;
      const gBits = float32Bits[0] as number;
      for (let k = from; k < to; k++) {
        const slot = slots[k] as number;
        for (let j = 0; j < width; j++) {
          const row = windowRows[slot * width + j] as number;
          if (row < 0) continue;
          const column = f * span + j * dim;
          const out = slot * span + j * dim;
          if (simd) {
            simd.run(
              simd.vectorsAddress + row * 4,
              gradAt + column * 4,
              kernelAt + column * 4,
              outAt + out * 4,
              gBits,
            );
            continue;
          }
          for (let i = 0; i < dim; i++) {
            gradByFilter[column + i] =
              (gradByFilter[column + i] as number) + Math.fround(g * (vectors[row + i] as number));
            windowGrads[out + i] =
              (windowGrads[out + i] as number) + Math.fround(g * (kernelByFilter[column + i] as number));
          }
        }
      }
    }
  }
  const kernelGrad = new Float32Array(kernel.length);
  for (let f = 0; f < filters; f++)
    for (let i = 0; i < span; i++) kernelGrad[i * filters + f] = gradByFilter[f * span + i] as number;
  // The kernel's arrays live in scratch memory that later calls reuse: hand out a copy.
  return { kernel: kernelGrad, windowIndices, windows: simd ? windowGrads.slice() : windowGrads };
}
