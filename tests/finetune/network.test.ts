import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { buildVocabulary, EmbeddingTable, encodeTexts, selectBackend } from "../../src/finetune/index.js";
import {
  initialHeadWeights,
  type NamedWeight,
  Network,
  type NetworkSpec,
} from "../../src/finetune/network.js";
import { createRng } from "../../src/util/random.js";

const dim = 5;
const vocab = 12;

function randomCase(seed: number, kernelSize: number) {
  const rng = createRng(seed);
  const embedding = Float32Array.from({ length: vocab * dim }, () => rng.normal());
  // Text 2 is empty; the others hold 1-7 distinct tokens (so no two windows of a text tie for the max,
  // where TensorFlow.js's max gradient differs by design, see max-pooled-conv.ts), and the longest sets the
  // length. Texts share tokens, so the scatter-add onto shared rows is exercised.
  const texts = Array.from({ length: 5 }, (_, i) => {
    const ids = Array.from({ length: vocab }, (_, id) => id);
    rng.shuffle(ids);
    return ids.slice(0, i === 2 ? 0 : 1 + rng.int(7)).map((id) => `w${id}`);
  });
  const vocabulary = buildVocabulary(
    Array.from({ length: vocab }, (_, i) => [`w${i}`]),
    vocab,
  );
  const spec: NetworkSpec = { model: "cnn", inputDim: dim, hidden: 4, kernelSize, outputs: 3, dropout: 0 };
  const head = initialHeadWeights(spec, rng.fork("head"));
  const classes = Int32Array.from(texts, () => rng.int(3));
  const weights = Float32Array.from(texts, () => 0.5 + rng.next());
  return { embedding, encoded: encodeTexts(texts, vocabulary, 100), spec, head, classes, weights };
}

function byName(weights: readonly NamedWeight[], name: string): Float32Array {
  const weight = weights.find((w) => w.name === name);
  assert.ok(weight, name);
  return weight.values;
}

/**
 * The reference loss on TensorFlow.js's own conv1d ('same'), with positions past each text's end masked
 * before the max over time (an empty text keeps position 0), then bias, ReLU and a linear softmax head.
 */
function referenceLoss(
  sequence: tf.Tensor3D,
  kernel: tf.Tensor3D,
  head: { bias: tf.Tensor; outKernel: tf.Tensor2D; outBias: tf.Tensor },
  mask: tf.Tensor3D,
  oneHot: tf.Tensor2D,
  exampleWeights: tf.Tensor1D,
  weightDecay: number,
): tf.Scalar {
  const conv = tf.add(tf.relu(tf.add(tf.conv1d(sequence, kernel, 1, "same"), head.bias)), mask);
  const logits = tf.add(tf.matMul(tf.max(conv, 1) as tf.Tensor2D, head.outKernel), head.outBias);
  const perExample = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  const data = tf.div(tf.sum(tf.mul(perExample, exampleWeights)), tf.sum(exampleWeights));
  const decay = tf.mul(
    0.5 * weightDecay,
    tf.add(tf.sum(tf.square(kernel)), tf.sum(tf.square(head.outKernel))),
  );
  return tf.add(data, decay) as tf.Scalar;
}

test("a CNN training step (SGD) moves every weight by the gradient of tf.conv1d → masked max → head autodiff", async () => {
  const learningRate = 0.1;
  const weightDecay = 0.05;
  for (const kernelSize of [1, 3, 4]) {
    for (let seed = 1; seed <= 6; seed++) {
      await selectBackend();
      const { embedding, encoded, spec, head, classes, weights } = randomCase(
        seed * 10 + kernelSize,
        kernelSize,
      );
      const table = new EmbeddingTable(embedding.slice(), dim, {
        optimizer: "sgd",
        learningRate,
        weightDecay,
      });
      const network = new Network(spec, head, table, { optimizer: "sgd", learningRate, trainTable: true });
      const batch = [0, 1, 2, 3, 4];
      const loss = network.trainStep(
        { texts: encoded },
        batch,
        { classes, weights },
        { kind: "crossentropy", weightDecay },
        1,
      );
      const after = network.weights();
      network.dispose();

      // The reference runs on the cpu backend: wasm has no Conv2D backprop kernels.
      await tf.setBackend("cpu");
      const length = Math.max(
        1,
        ...batch.map((row) => (encoded.offsets[row + 1] as number) - (encoded.offsets[row] as number)),
      );
      const sequence = new Float32Array(batch.length * length * dim);
      const mask = new Float32Array(batch.length * length);
      const oneHot = new Float32Array(batch.length * spec.outputs);
      batch.forEach((row, b) => {
        const start = encoded.offsets[row] as number;
        const count = (encoded.offsets[row + 1] as number) - start;
        for (let t = 0; t < count; t++) {
          const id = encoded.ids[start + t] as number;
          sequence.set(embedding.subarray(id * dim, (id + 1) * dim), (b * length + t) * dim);
        }
        for (let t = Math.max(1, count); t < length; t++) mask[b * length + t] = -1e9;
        oneHot[b * spec.outputs + (classes[row] as number)] = 1;
      });
      const reference = tf.tidy(() => {
        const kernel = tf.tensor3d(byName(head, "conv/kernel"), [kernelSize, dim, spec.hidden]);
        const bias = tf.tensor1d(byName(head, "conv/bias"));
        const outKernel = tf.tensor2d(byName(head, "output/kernel"), [spec.hidden, spec.outputs]);
        const outBias = tf.tensor1d(byName(head, "output/bias"));
        const f = (s: tf.Tensor, k: tf.Tensor, b: tf.Tensor, ok: tf.Tensor, ob: tf.Tensor) =>
          referenceLoss(
            s as tf.Tensor3D,
            k as tf.Tensor3D,
            { bias: b, outKernel: ok as tf.Tensor2D, outBias: ob },
            tf.tensor3d(mask, [batch.length, length, 1]),
            tf.tensor2d(oneHot, [batch.length, spec.outputs]),
            tf.tensor1d(weights),
            weightDecay,
          );
        const { value, grads } = tf.valueAndGrads(f)([
          tf.tensor3d(sequence, [batch.length, length, dim]),
          kernel,
          bias,
          outKernel,
          outBias,
        ]);
        return {
          value: value.dataSync()[0] as number,
          grads: grads.map((g) => g.dataSync() as Float32Array),
        };
      });
      const [sequenceGrad, kernelGrad, biasGrad, outKernelGrad, outBiasGrad] = reference.grads as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      // The table's gradient: the sequence gradient summed onto each token's row, plus weight decay on
      // the rows the batch touched (the lazy optimiser leaves the others alone).
      const tableGrad = new Float64Array(embedding.length);
      const touched = new Set<number>();
      batch.forEach((row, b) => {
        const start = encoded.offsets[row] as number;
        for (let t = 0; t < (encoded.offsets[row + 1] as number) - start; t++) {
          const id = encoded.ids[start + t] as number;
          touched.add(id);
          for (let i = 0; i < dim; i++)
            tableGrad[id * dim + i] =
              (tableGrad[id * dim + i] as number) + (sequenceGrad[(b * length + t) * dim + i] as number);
        }
      });
      for (const id of touched)
        for (let i = 0; i < dim; i++)
          tableGrad[id * dim + i] =
            (tableGrad[id * dim + i] as number) + weightDecay * (embedding[id * dim + i] as number);

      const label = `width ${kernelSize} seed ${seed}`;
      assert.ok(Math.abs(loss - reference.value) < 1e-5, `${label} loss ${loss} vs ${reference.value}`);
      const expectStep = (name: string, before: Float32Array, grad: ArrayLike<number>) => {
        const values = byName(after, name);
        let worst = 0;
        for (let i = 0; i < values.length; i++) {
          const expected = (before[i] as number) - learningRate * (grad[i] as number);
          worst = Math.max(worst, Math.abs((values[i] as number) - expected));
        }
        assert.ok(worst < 2e-5, `${label} ${name}: max error ${worst}`);
      };
      // The head's SGD steps on the gradients of the loss (weight decay for kernels is in the loss).
      expectStep("conv/kernel", byName(head, "conv/kernel"), kernelGrad);
      expectStep("conv/bias", byName(head, "conv/bias"), biasGrad);
      expectStep("output/kernel", byName(head, "output/kernel"), outKernelGrad);
      expectStep("output/bias", byName(head, "output/bias"), outBiasGrad);
      expectStep("embedding", embedding, tableGrad);
      // The test would pass vacuously if nothing moved.
      assert.ok(
        byName(after, "conv/kernel").some((v, i) => v !== byName(head, "conv/kernel")[i]),
        `${label}: the conv kernel did not move`,
      );
      assert.ok(
        touched.size > 0 &&
          [...touched].some((id) => byName(after, "embedding")[id * dim] !== embedding[id * dim]),
      );
    }
  }
});
