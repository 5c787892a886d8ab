/**
 * A 1-D convolution over token vectors ("same" padding), computed per distinct token rather than per
 * position. With the unfolded kernel split into one `dim × filters` block per window slot j, a window's
 * response is `Σ_j vector(token in slot j) · K_j`; so each distinct token of the batch is projected once by
 * every block (one `distinct × dim` by `dim × (width · filters)` matMul) and each position adds `width` rows
 * of projections. A batch of texts repeats its words, so this multiplies a fraction of the `(batch · length)
 * × (width · dim)` windows the im2col form needs, and no window is ever materialised in the forward pass.
 */
import * as tf from "@tensorflow/tfjs";
import type { EncodedTexts } from "./vocabulary.js";

/** The distinct tokens of a batch and, for every valid position, the slot of its token among them. */
export interface BatchTokens {
  /** The distinct token ids, in order of first appearance. */
  tokens: Int32Array;
  /** `rows.length × length`: the slot in `tokens` of the token at each position (-1 past a text's end). */
  slots: Int32Array;
  /** Each text's valid length (its tokens, cut at `length`). */
  validLengths: Int32Array;
}

/** The distinct tokens of the selected texts (each cut at `length` tokens) and where each position's lies. */
export function batchTokens(
  texts: EncodedTexts,
  rows: readonly number[],
  length: number,
  slotOfToken: Int32Array,
): BatchTokens {
  const slots = new Int32Array(rows.length * length).fill(-1);
  const validLengths = new Int32Array(rows.length);
  let tokens = new Int32Array(256);
  let distinct = 0;
  rows.forEach((row, b) => {
    const start = texts.offsets[row] as number;
    const count = Math.min((texts.offsets[row + 1] as number) - start, length);
    validLengths[b] = count;
    for (let t = 0; t < count; t++) {
      const id = texts.ids[start + t] as number;
      let slot = slotOfToken[id] as number;
      if (slot < 0) {
        if (distinct === tokens.length) {
          const grown = new Int32Array(tokens.length * 2);
          grown.set(tokens);
          tokens = grown;
        }
        slot = distinct;
        tokens[distinct++] = id;
        slotOfToken[id] = slot;
      }
      slots[b * length + t] = slot;
    }
  });
  const used = tokens.subarray(0, distinct);
  for (const id of used) slotOfToken[id] = -1;
  return { tokens: used, slots, validLengths };
}

/**
 * Each distinct token's projection by every window slot's kernel block: `tokens.length × (width · filters)`,
 * slot j's responses at columns `j · filters …`. `vectors` holds the tokens' vectors (`tokens.length × dim`)
 * and `kernel` is the unfolded `(width · dim) × filters` kernel.
 */
export function projectTokens(
  vectors: Float32Array,
  distinct: number,
  kernel: tf.Tensor2D,
  width: number,
): Float32Array {
  const [span, filters] = kernel.shape;
  const dim = span / width;
  const product = tf.tidy(() => {
    const blocks = tf.reshape(tf.transpose(tf.reshape(kernel, [width, dim, filters]), [1, 0, 2]), [
      dim,
      width * filters,
    ]);
    return tf.matMul(tf.tensor2d(vectors, [distinct, dim]), blocks as tf.Tensor2D);
  });
  // Read outside tf.tidy: it walks every element of a typed array returned from its scope.
  const values = product.dataSync() as Float32Array;
  product.dispose();
  return values;
}

/**
 * The convolution's responses `(rows · length) × filters` from the token projections: position p of a text
 * sums, over window slots j in order, the projection of the token at `p + j - ⌊(width-1)/2⌋` when it lies
 * inside the text (slots outside it are zero vectors, which project to zero), in double precision rounded
 * once. Only valid positions are filled; the rest are zero, like an empty text's single all-zero window.
 * `into` is reused when it is large enough.
 */
export function shiftedSums(
  projections: Float32Array,
  batch: BatchTokens,
  length: number,
  width: number,
  filters: number,
  into?: Float32Array,
): Float32Array {
  const { slots, validLengths } = batch;
  const before = Math.floor((width - 1) / 2);
  const stride = width * filters;
  const size = validLengths.length * length * filters;
  const responses = into && into.length >= size ? into.subarray(0, size) : new Float32Array(size);
  responses.fill(0);
  const sources = new Int32Array(width);
  for (let b = 0; b < validLengths.length; b++) {
    const count = validLengths[b] as number;
    for (let p = 0; p < count; p++) {
      const out = (b * length + p) * filters;
      let n = 0;
      for (let j = Math.max(0, before - p); j < width && p + j - before < count; j++)
        sources[n++] = (slots[b * length + p + j - before] as number) * stride + j * filters;
      if (n === 3) {
        const s0 = sources[0] as number;
        const s1 = sources[1] as number;
        const s2 = sources[2] as number;
        for (let f = 0; f < filters; f++)
          responses[out + f] =
            (projections[s0 + f] as number) +
            (projections[s1 + f] as number) +
            (projections[s2 + f] as number);
      } else {
        for (let f = 0; f < filters; f++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += projections[(sources[k] as number) + f] as number;
          responses[out + f] = sum;
        }
      }
    }
  }
  return responses;
}
