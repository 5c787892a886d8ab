import assert from "node:assert/strict";
import { test } from "node:test";
import { maxOverTime, maxPooledConvBackward } from "../../src/finetune/max-pooled-conv.js";

// One text of length 4 with 3 valid positions, windows of span 2, 2 filters; the kernel is the identity, so
// the responses are the windows: filter 0 ties at positions 0 and 2, filter 1 peaks at position 1, and
// the padded position 3 (larger than all) is ignored.
const windows = Float32Array.from([5, 1, 2, 7, 5, 3, 9, 9]);
const kernel = Float32Array.from([1, 0, 0, 1]);
const responses = windows;

test("maxOverTime keeps every tied position, ignores padding and pools an empty text's zero window", () => {
  const pooling = maxOverTime(responses, Int32Array.from([3]), 4, 2);
  assert.deepEqual([...pooling.pooled], [5, 7]);
  assert.deepEqual([...pooling.winners], [0, 2, 1]);
  assert.deepEqual([...pooling.winnerOffsets], [0, 2, 3]);
  const empty = maxOverTime(new Float32Array(4), Int32Array.from([0]), 2, 2);
  assert.deepEqual([...empty.pooled], [0, 0]);
  assert.deepEqual([...empty.winners], [0, 0]);
});

test("maxPooledConvBackward splits a tied maximum's gradient equally and is the adjoint on the winners", () => {
  const pooling = maxOverTime(responses, Int32Array.from([3]), 4, 2);
  // Each window is one slot of width 2 (width 1, dim 2), read where it lies in `windows`.
  const asked: number[][] = [];
  const source = {
    vectors: windows,
    dim: 2,
    rowsOf: (indices: Int32Array) => {
      asked.push([...indices]);
      return Int32Array.from(indices, (index) => index * 2);
    },
  };
  const grads = maxPooledConvBackward(source, kernel, pooling, Float32Array.from([2, 10]), 4, 2);
  // Only the winning windows are built, once each.
  assert.deepEqual(asked, [[0, 2, 1]]);
  // Windows 0 and 2 share filter 0's gradient (1 each); window 1 carries filter 1's 10.
  assert.deepEqual([...grads.windowIndices], [0, 2, 1]);
  assert.deepEqual([...grads.windows], [1, 0, 1, 0, 0, 10]);
  // Kernel gradient Σ window ⊗ gradient: column 0 = (5 + 5) · 1, column 1 = window 1 · 10.
  assert.deepEqual([...grads.kernel], [10, 20, 4, 70]);
});
