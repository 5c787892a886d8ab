import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { EmbeddingTable, encodeTexts, selectBackend, buildVocabulary } from "../../src/finetune/index.js";
import { createRng } from "../../src/util/random.js";

const dim = 4;

function randomCase(seed: number) {
  const rng = createRng(seed);
  const rows = 12;
  const weights = Float32Array.from({ length: rows * dim }, () => rng.normal());
  const texts = Array.from({ length: 5 }, (_, i) =>
    Array.from({ length: i === 2 ? 0 : 1 + rng.int(7) }, () => `w${rng.int(rows)}`),
  );
  const vocabulary = buildVocabulary(
    Array.from({ length: rows }, (_, i) => [`w${i}`]),
    rows,
  );
  return { rng, weights, encoded: encodeTexts(texts, vocabulary, 100), batch: [0, 1, 2, 3, 4] };
}

test("meanBag is the mean of each text's rows (zero for an empty text) and its backward matches float64", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { rng, weights, encoded, batch } = randomCase(seed);
    const table = new EmbeddingTable(weights.slice(), dim, {
      optimizer: "sgd",
      learningRate: 1,
      weightDecay: 0,
    });
    const pooled = table.meanBag(encoded, batch);
    const grad = Float64Array.from({ length: batch.length * dim }, () => rng.normal());
    const expectedGrad = new Float64Array(weights.length);
    batch.forEach((row, b) => {
      const ids = encoded.ids.subarray(encoded.offsets[row], encoded.offsets[row + 1]);
      for (let j = 0; j < dim; j++) {
        const mean =
          ids.length === 0
            ? 0
            : [...ids].reduce((s, id) => s + (weights[id * dim + j] as number), 0) / ids.length;
        assert.ok(Math.abs((pooled[b * dim + j] as number) - mean) < 1e-5);
        for (const id of ids)
          expectedGrad[id * dim + j] =
            (expectedGrad[id * dim + j] as number) + (grad[b * dim + j] as number) / ids.length;
      }
    });
    table.accumulateBag(encoded, batch, Float32Array.from(grad));
    table.applyUpdate();
    for (let i = 0; i < weights.length; i++) {
      const applied = (weights[i] as number) - (table.weights[i] as number);
      assert.ok(Math.abs(applied - (expectedGrad[i] as number)) < 1e-5, `seed ${seed} weight ${i}`);
    }
  }
});

test("lazy Adam updates only touched rows, with TF LazyAdam's bias correction at the global step", () => {
  for (let seed = 1; seed <= 10; seed++) {
    const { rng, weights, encoded } = randomCase(seed);
    const lr = 0.01;
    const table = new EmbeddingTable(weights.slice(), dim, {
      optimizer: "adam",
      learningRate: lr,
      weightDecay: 0,
    });
    const reference = Float64Array.from(weights);
    const m = new Float64Array(weights.length);
    const v = new Float64Array(weights.length);
    const batches = [[0, 1], [3], [4, 0]];
    batches.forEach((batch, step) => {
      const pooledGrad = Float32Array.from({ length: batch.length * dim }, () => rng.normal());
      const g = new Float64Array(weights.length);
      const touched = new Set<number>();
      batch.forEach((row, b) => {
        const ids = encoded.ids.subarray(encoded.offsets[row], encoded.offsets[row + 1]);
        for (const id of ids) {
          touched.add(id);
          for (let j = 0; j < dim; j++)
            g[id * dim + j] = (g[id * dim + j] as number) + (pooledGrad[b * dim + j] as number) / ids.length;
        }
      });
      const t = step + 1;
      for (const id of touched) {
        for (let j = id * dim; j < (id + 1) * dim; j++) {
          m[j] = 0.9 * (m[j] as number) + 0.1 * (g[j] as number);
          v[j] = 0.999 * (v[j] as number) + 0.001 * (g[j] as number) ** 2;
          reference[j] =
            (reference[j] as number) -
            (lr * ((m[j] as number) / (1 - 0.9 ** t))) /
              (Math.sqrt((v[j] as number) / (1 - 0.999 ** t)) + 1e-7);
        }
      }
      table.accumulateBag(encoded, batch, pooledGrad);
      table.applyUpdate();
    });
    for (let i = 0; i < weights.length; i++) {
      assert.ok(
        Math.abs((table.weights[i] as number) - (reference[i] as number)) < 1e-5,
        `seed ${seed} weight ${i}`,
      );
    }
  }
});

test("convolution windows (windowRows) equal tf.conv1d 'same' and their backward is the adjoint scatter", async () => {
  await selectBackend();
  for (const width of [1, 3, 4]) {
    const { rng, weights, encoded, batch } = randomCase(width);
    const table = new EmbeddingTable(weights.slice(), dim, {
      optimizer: "sgd",
      learningRate: 1,
      weightDecay: 0,
    });
    const length = 6;
    // The windows of every position, unfolded from where windowRows says each slot's vector lies.
    const span = width * dim;
    const all = Int32Array.from({ length: batch.length * length }, (_, k) => k);
    const rowsOfWindows = table.windowRows(encoded, batch, length, width, all);
    const windows = new Float32Array(all.length * span);
    rowsOfWindows.forEach((offset, slot) => {
      if (offset >= 0) windows.set(table.weights.subarray(offset, offset + dim), slot * dim);
    });
    // Selected windows, in any order, are the same rows.
    const picked = Int32Array.from({ length: 5 }, () => rng.int(batch.length * length));
    const some = table.windowRows(encoded, batch, length, width, picked);
    picked.forEach((index, k) => {
      assert.deepEqual(
        some.subarray(k * width, (k + 1) * width),
        rowsOfWindows.subarray(index * width, (index + 1) * width),
      );
    });
    const filters = 3;
    const kernel = Float32Array.from({ length: width * dim * filters }, () => rng.normal());
    const sequence = new Float32Array(batch.length * length * dim);
    batch.forEach((row, b) => {
      const start = encoded.offsets[row] as number;
      const count = Math.min((encoded.offsets[row + 1] as number) - start, length);
      for (let t = 0; t < count; t++) {
        const id = encoded.ids[start + t] as number;
        sequence.set(weights.subarray(id * dim, (id + 1) * dim), (b * length + t) * dim);
      }
    });
    const ours = tf.matMul(
      tf.tensor2d(windows, [batch.length * length, width * dim]),
      tf.tensor2d(kernel, [width * dim, filters]),
    );
    const reference = tf.conv1d(
      tf.tensor3d(sequence, [batch.length, length, dim]),
      tf.tensor3d(kernel, [width, dim, filters]),
      1,
      "same",
    );
    // Positions past a text's end differ by design (they are masked before max pooling), so compare valid ones.
    const a = ours.dataSync();
    const r = reference.dataSync();
    batch.forEach((row, b) => {
      const count = Math.min((encoded.offsets[row + 1] as number) - (encoded.offsets[row] as number), length);
      for (let t = 0; t < count; t++) {
        for (let f = 0; f < filters; f++) {
          const i = (b * length + t) * filters + f;
          const diff = Math.abs((a[i] as number) - (r[i] as number));
          // tf.conv1d sees the zero padding after the text too; windows stop at the text's end as well.
          assert.ok(diff < 1e-4, `width ${width} position ${t}: ${a[i]} vs ${r[i]}`);
        }
      }
    });
    tf.dispose([ours, reference]);
    const grad = Float32Array.from({ length: windows.length }, () => rng.normal());
    const forward = windows.reduce((sum, value, i) => sum + value * (grad[i] as number), 0);
    table.accumulateWindows(encoded, batch, length, width, grad);
    table.applyUpdate();
    let backward = 0;
    for (let i = 0; i < weights.length; i++)
      backward += (weights[i] as number) * ((weights[i] as number) - (table.weights[i] as number));
    assert.ok(
      Math.abs(forward - backward) < 1e-3 * Math.max(1, Math.abs(forward)),
      `${forward} vs ${backward}`,
    );
  }
});

test("meanBag and its backward round exactly as a float32 sum in token order (bit-identical runs)", () => {
  for (let seed = 21; seed <= 30; seed++) {
    const { rng, weights, encoded, batch } = randomCase(seed);
    const table = new EmbeddingTable(weights.slice(), dim, {
      optimizer: "sgd",
      learningRate: 1,
      weightDecay: 0,
    });
    const pooled = table.meanBag(encoded, batch);
    const pooledGrad = Float32Array.from({ length: batch.length * dim }, () => rng.normal());
    table.accumulateBag(encoded, batch, pooledGrad);
    table.applyUpdate();
    const expectedPooled = new Float32Array(batch.length * dim);
    const expectedWeights = weights.slice();
    const grad = new Float32Array(weights.length);
    batch.forEach((row, b) => {
      const start = encoded.offsets[row] as number;
      const end = encoded.offsets[row + 1] as number;
      for (let j = 0; j < dim; j++) {
        let sum = 0;
        for (let t = start; t < end; t++)
          sum = Math.fround(sum + (weights[(encoded.ids[t] as number) * dim + j] as number));
        expectedPooled[b * dim + j] = end > start ? sum / (end - start) : 0;
        for (let t = start; t < end; t++) {
          const i = (encoded.ids[t] as number) * dim + j;
          grad[i] = (grad[i] as number) + Math.fround((pooledGrad[b * dim + j] as number) / (end - start));
        }
      }
    });
    for (let i = 0; i < weights.length; i++)
      expectedWeights[i] = (expectedWeights[i] as number) - (grad[i] as number);
    assert.deepEqual(pooled, expectedPooled);
    assert.deepEqual(table.weights, expectedWeights);
  }
});

const f = Math.fround;

/** The table's arithmetic as plain loops, every operation rounded to float32. */
function referenceAdamSteps(
  weights: Float32Array,
  width: number,
  ids: Int32Array,
  offsets: Int32Array,
  batches: { rows: number[]; pooledGrad: Float32Array }[],
  lr: number,
  decay: number,
) {
  const w = weights.slice();
  const grad = new Float32Array(w.length);
  const first = new Float32Array(w.length);
  const second = new Float32Array(w.length);
  const pooled: Float32Array[] = [];
  batches.forEach(({ rows, pooledGrad }, step) => {
    const out = new Float32Array(rows.length * width);
    const touched = new Set<number>();
    rows.forEach((row, b) => {
      const start = offsets[row] as number;
      const end = offsets[row + 1] as number;
      for (let j = 0; j < width; j++) {
        for (let t = start; t < end; t++)
          out[b * width + j] = (out[b * width + j] as number) + (w[(ids[t] as number) * width + j] as number);
        if (end > start) out[b * width + j] = (out[b * width + j] as number) / (end - start);
      }
      for (let t = start; t < end; t++) {
        const id = ids[t] as number;
        touched.add(id);
        for (let j = 0; j < width; j++)
          grad[id * width + j] =
            (grad[id * width + j] as number) + f((pooledGrad[b * width + j] as number) / (end - start));
      }
    });
    pooled.push(out);
    // Float32 arithmetic: each operation's double result rounded with Math.fround.
    const stepSize = f(lr / (1 - 0.9 ** (step + 1)));
    const correction = f(1 / (1 - 0.999 ** (step + 1)));
    const [b1, c1, b2, c2, wd, eps] = [f(0.9), f(1 - 0.9), f(0.999), f(1 - 0.999), f(decay), f(1e-7)];
    for (const id of touched) {
      for (let i = id * width; i < (id + 1) * width; i++) {
        const g = f((grad[i] as number) + f(wd * (w[i] as number)));
        grad[i] = 0;
        const m = f(f(b1 * (first[i] as number)) + f(c1 * g));
        const v = f(f(b2 * (second[i] as number)) + f(f(c2 * g) * g));
        first[i] = m;
        second[i] = v;
        w[i] = (w[i] as number) - f(f(stepSize * m) / f(f(Math.sqrt(f(v * correction))) + eps));
      }
    }
  });
  return { weights: w, pooled };
}

test("bag lookup, scatter and lazy Adam (SIMD kernels at even widths) equal plain loops bit for bit", () => {
  for (const width of [1, 2, 3, 6, 8, 100]) {
    for (let seed = 1; seed <= 5; seed++) {
      const rng = createRng(seed * 100 + width);
      const rows = 30;
      const weights = Float32Array.from({ length: rows * width }, () => rng.normal() * 0.1);
      // Texts of 0–40 tokens with many repeats, so rows are hit several times per text and per batch.
      const lengths = Array.from({ length: 20 }, (_, i) => (i % 7 === 3 ? 0 : rng.int(41)));
      const offsets = Int32Array.from([
        0,
        ...lengths.map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b)),
      ]);
      const ids = Int32Array.from({ length: offsets[20] as number }, () => rng.int(rows));
      const texts = { ids, offsets, tokens: ids.length, oov: 0 };
      const batches = Array.from({ length: 4 }, () => {
        const batchRows = Array.from({ length: 1 + rng.int(12) }, () => rng.int(20));
        const pooledGrad = Float32Array.from({ length: batchRows.length * width }, () => rng.normal());
        return { rows: batchRows, pooledGrad };
      });
      const table = new EmbeddingTable(weights.slice(), width, {
        optimizer: "adam",
        learningRate: 0.01,
        weightDecay: 0.001,
      });
      const pooled = batches.map(({ rows: batchRows, pooledGrad }) => {
        const out = table.meanBag(texts, batchRows);
        table.accumulateBag(texts, batchRows, pooledGrad);
        table.applyUpdate();
        return out;
      });
      const expected = referenceAdamSteps(weights, width, ids, offsets, batches, 0.01, 0.001);
      assert.deepEqual(pooled, expected.pooled, `width ${width} seed ${seed}`);
      assert.deepEqual(table.weights, expected.weights, `width ${width} seed ${seed}`);
    }
  }
});
