import { loadPretrainedVectors } from "../embeddings/pretrained-vectors.js";
import { ModelError } from "../util/errors.js";
import type { Rng } from "../util/random.js";
import { cachedPretrainedRows } from "./cached-inputs.js";
import type { Vocabulary } from "./vocabulary.js";

/** Width of a text model's embedding table (the pretrained vectors' dimension). */
export const embeddingDim = 100;
// Random initialisation matches the pretrained vectors' scale (their standard deviation is ~0.54).
const randomInitScale = 0.5;

/**
 * A text model's embedding table before training, `vocabulary.words.length × embeddingDim`: the
 * pretrained vector of each word it knows, and seeded normal draws at the pretrained vectors' scale for
 * the rest (`init: "glove"`), or seeded draws for every row (`init: "random"`). The same vocabulary,
 * init and rng give the same bits, which is what lets a saved model store only its change from this table.
 */
export async function initialEmbeddingTable(
  vocabulary: Vocabulary,
  init: "glove" | "random",
  rng: Rng,
): Promise<{ weights: Float32Array; coverage: number }> {
  const weights = new Float32Array(vocabulary.words.length * embeddingDim);
  let found = 0;
  if (init === "glove") {
    const vectors = await loadPretrainedVectors();
    if (vectors.dim !== embeddingDim)
      throw new ModelError(`pretrained vectors have ${vectors.dim} dimensions, expected 100`);
    const missing: number[] = [];
    let sum = 0;
    let sumSquares = 0;
    const pretrained = cachedPretrainedRows(vocabulary, vectors);
    vocabulary.words.forEach((_, row) => {
      if (pretrained.found[row] !== 1) {
        missing.push(row);
        return;
      }
      const vector = pretrained.rows.subarray(row * embeddingDim, (row + 1) * embeddingDim);
      weights.set(vector, row * embeddingDim);
      for (const value of vector) {
        sum += value;
        sumSquares += value * value;
      }
      found++;
    });
    const count = found * embeddingDim;
    const scale =
      count > 0 ? Math.sqrt(Math.max(sumSquares / count - (sum / count) ** 2, 1e-8)) : randomInitScale;
    for (const row of missing) {
      for (let j = 0; j < embeddingDim; j++) weights[row * embeddingDim + j] = rng.normal() * scale;
    }
  } else {
    for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * randomInitScale;
  }
  return { weights, coverage: vocabulary.words.length > 0 ? found / vocabulary.words.length : 0 };
}
