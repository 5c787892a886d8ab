import assert from "node:assert/strict";
import { test } from "node:test";
import { buildVocabulary, EmbeddingTable, encodeTexts, selectBackend } from "../../src/finetune/index.js";
import { maxOverTime, maxPooledConvBackward } from "../../src/finetune/max-pooled-conv.js";
import { createRng } from "../../src/util/random.js";

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

test("the SIMD kernel of the backward (tables of width divisible by 4) equals the TypeScript loop bit for bit", async () => {
  await selectBackend();
  for (let seed = 1; seed <= 12; seed++) {
    const rng = createRng(seed);
    const dim = 4 * (1 + rng.int(6));
    const width = 1 + rng.int(4);
    const filters = 1 + rng.int(12);
    const length = 2 + rng.int(20);
    const vocabularySize = 3 + rng.int(40);
    const table = new EmbeddingTable(
      Float32Array.from({ length: vocabularySize * dim }, () => rng.normal()),
      dim,
      { optimizer: "adam", learningRate: 0.01, weightDecay: 0 },
    );
    assert.ok(table.axpyPairKernel, `seed ${seed}: a width-${dim} table has the kernel`);
    const texts = Array.from({ length: 1 + rng.int(8) }, () =>
      Array.from({ length: rng.int(length + 4) }, () => `w${rng.int(vocabularySize)}`),
    );
    const words = Array.from({ length: vocabularySize }, (_, i) => [`w${i}`]);
    const encoded = encodeTexts(texts, buildVocabulary(words, vocabularySize), 100);
    const rows = texts.map((_, i) => i);
    const validLengths = Int32Array.from(rows, (row) =>
      Math.min((encoded.offsets[row + 1] as number) - (encoded.offsets[row] as number), length),
    );
    // Few distinct response values, so ties (several winners per text and filter) are common.
    const responses = Float32Array.from({ length: rows.length * length * filters }, () => rng.int(4));
    const pooling = maxOverTime(responses, validLengths, length, filters);
    const kernel = Float32Array.from({ length: width * dim * filters }, () => rng.normal());
    const pooledGrad = Float32Array.from({ length: rows.length * filters }, () => rng.normal());
    const source = {
      vectors: table.weights,
      dim,
      rowsOf: (indices: Int32Array) => table.windowRows(encoded, rows, length, width, indices),
    };
    const loop = maxPooledConvBackward(source, kernel, pooling, pooledGrad, length, filters);
    const simd = maxPooledConvBackward(
      { ...source, kernel: table.axpyPairKernel },
      kernel,
      pooling,
      pooledGrad,
      length,
      filters,
    );
    assert.deepEqual(simd.windowIndices, loop.windowIndices);
    assert.deepEqual(simd.kernel, loop.kernel, `seed ${seed}: kernel gradient`);
    assert.deepEqual(simd.windows, loop.windows, `seed ${seed}: window gradients`);
    assert.ok(
      loop.kernel.some((value) => value !== 0),
      `seed ${seed}: the case has a gradient`,
    );
  }
});
