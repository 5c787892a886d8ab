import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { buildVocabulary, EmbeddingTable, encodeTexts, selectBackend } from "../../src/finetune/index.js";
import { batchTokens, projectTokens, shiftedSums } from "../../src/finetune/token-projected-conv.js";
import { createRng } from "../../src/util/random.js";

// Random batches of texts with repeated words (so tokens recur within and across texts), an empty text,
// and texts cut at `length`; the convolution per distinct token must equal tf.conv1d "same" over the
// texts' token vectors at every valid position, and leave every other position zero.
test("the convolution per distinct token equals tf.conv1d 'same' on every valid position", async () => {
  await selectBackend();
  for (let seed = 1; seed <= 24; seed++) {
    const rng = createRng(seed);
    const dim = 2 + rng.int(7);
    const vocabularySize = 3 + rng.int(30);
    const width = 1 + rng.int(5);
    const filters = 1 + rng.int(9);
    const length = 1 + rng.int(12);
    const weights = Float32Array.from({ length: vocabularySize * dim }, () => rng.normal());
    const table = new EmbeddingTable(weights, dim, { optimizer: "sgd", learningRate: 1, weightDecay: 0 });
    const words = Array.from({ length: vocabularySize }, (_, i) => [`w${i}`]);
    const texts = Array.from({ length: 1 + rng.int(6) }, (_, i) =>
      Array.from({ length: i === 1 ? 0 : 1 + rng.int(16) }, () => `w${rng.int(vocabularySize)}`),
    );
    const encoded = encodeTexts(texts, buildVocabulary(words, vocabularySize), 100);
    const rows = texts.map((_, i) => i).reverse();
    const kernelValues = Float32Array.from({ length: width * dim * filters }, () => rng.normal());
    const kernel = tf.tensor2d(kernelValues, [width * dim, filters]);
    const slotOfToken = new Int32Array(vocabularySize).fill(-1);
    const batch = batchTokens(encoded, rows, length, slotOfToken);
    assert.ok(
      slotOfToken.every((slot) => slot === -1),
      `seed ${seed}: the scratch is left clean`,
    );
    assert.equal(new Set(batch.tokens).size, batch.tokens.length, `seed ${seed}: tokens are distinct`);
    const projections = projectTokens(table.gatherRows(batch.tokens), batch.tokens.length, kernel, width);
    const responses = shiftedSums(projections, batch, length, width, filters);

    const sequence = new Float32Array(rows.length * length * dim);
    rows.forEach((row, b) => {
      const start = encoded.offsets[row] as number;
      const count = Math.min((encoded.offsets[row + 1] as number) - start, length);
      assert.equal(batch.validLengths[b], count);
      for (let t = 0; t < count; t++) {
        const id = encoded.ids[start + t] as number;
        sequence.set(weights.subarray(id * dim, (id + 1) * dim), (b * length + t) * dim);
      }
    });
    const reference = tf.conv1d(
      tf.tensor3d(sequence, [rows.length, length, dim]),
      tf.tensor3d(kernelValues, [width, dim, filters]),
      1,
      "same",
    );
    const expected = reference.dataSync();
    rows.forEach((_, b) => {
      const count = batch.validLengths[b] as number;
      for (let t = 0; t < length; t++) {
        for (let f = 0; f < filters; f++) {
          const i = (b * length + t) * filters + f;
          const got = responses[i] as number;
          if (t >= count) assert.equal(got, 0, `seed ${seed}: padding position ${t} is zero`);
          else
            assert.ok(
              Math.abs(got - (expected[i] as number)) < 1e-4 * Math.max(1, Math.abs(expected[i] as number)),
              `seed ${seed} width ${width} text ${b} position ${t} filter ${f}: ${got} vs ${expected[i]}`,
            );
        }
      }
    });
    tf.dispose([kernel, reference]);
  }
});

test("a position's response depends only on its window, so repeated windows tie exactly", async () => {
  await selectBackend();
  const dim = 3;
  const rng = createRng(7);
  const weights = Float32Array.from({ length: 4 * dim }, () => rng.normal());
  const table = new EmbeddingTable(weights, dim, { optimizer: "sgd", learningRate: 1, weightDecay: 0 });
  const vocabulary = buildVocabulary([["a"], ["b"], ["c"], ["d"]], 4);
  // "a b c" occurs twice inside the text and once in another text: the middle positions' windows match.
  const encoded = encodeTexts(
    [
      ["d", "a", "b", "c", "a", "b", "c", "d"],
      ["c", "a", "b", "c", "c"],
    ],
    vocabulary,
    100,
  );
  const kernel = tf.tensor2d(
    Float32Array.from({ length: 3 * dim * 5 }, () => rng.normal()),
    [3 * dim, 5],
  );
  const batch = batchTokens(encoded, [0, 1], 8, new Int32Array(4).fill(-1));
  const responses = shiftedSums(
    projectTokens(table.gatherRows(batch.tokens), batch.tokens.length, kernel, 3),
    batch,
    8,
    3,
    5,
  );
  const at = (b: number, t: number) => [...responses.subarray((b * 8 + t) * 5, (b * 8 + t + 1) * 5)];
  assert.deepEqual(at(0, 2), at(0, 5));
  assert.deepEqual(at(0, 2), at(1, 2));
  kernel.dispose();
});
