import { gunzipSync, gzipSync } from "node:zlib";

/**
 * Packs float32 weights losslessly: each value's bits, read as an int32, minus the same position of
 * `base` (the weights they started from, or zeros), zigzag-encoded, split into four byte planes (every
 * value's low byte, then the next, …), then gzip. A value a run never changed packs to zero, and the
 * high planes of small changes are nearly all zero, so both compress well where raw float32 barely does.
 */
export function packWeights(weights: Float32Array, base?: Float32Array): Uint8Array {
  const words = new Int32Array(weights.buffer, weights.byteOffset, weights.length);
  const baseWords = base ? new Int32Array(base.buffer, base.byteOffset, base.length) : undefined;
  const count = words.length;
  const planes = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    const delta = ((words[i] as number) - (baseWords?.[i] ?? 0)) | 0;
    const word = ((delta << 1) ^ (delta >> 31)) >>> 0;
    planes[i] = word & 0xff;
    planes[count + i] = (word >>> 8) & 0xff;
    planes[2 * count + i] = (word >>> 16) & 0xff;
    planes[3 * count + i] = word >>> 24;
  }
  return gzipSync(planes, { level: 6 });
}

/** Inverse of `packWeights`: the exact float32 values, given the same `base`; `undefined` if the size is off. */
export function unpackWeights(packed: Uint8Array, base?: Float32Array): Float32Array | undefined {
  const planes = gunzipSync(packed);
  if (planes.length % 4 !== 0) return undefined;
  const count = planes.length / 4;
  if (base && base.length !== count) return undefined;
  const baseWords = base ? new Int32Array(base.buffer, base.byteOffset, base.length) : undefined;
  const words = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const word =
      (planes[i] as number) |
      ((planes[count + i] as number) << 8) |
      ((planes[2 * count + i] as number) << 16) |
      ((planes[3 * count + i] as number) << 24);
    const delta = (word >>> 1) ^ -(word & 1);
    words[i] = ((baseWords?.[i] ?? 0) + delta) | 0;
  }
  return new Float32Array(words.buffer);
}
