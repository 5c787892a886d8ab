import { tokenize } from "../data/tokenize.js";
import type { TextEmbedder } from "../embeddings/text-embedder.js";
import { cachedValue, type EntryCodec } from "./derived-cache.js";
import { cachedTokenIds, cachedTokens } from "./token-cache.js";
import { codeKey, textsKey } from "./texts-key.js";

function vectorsCodec(dim: number): EntryCodec<Float32Array[]> {
  return {
    encode(vectors) {
      const matrix = new Float32Array(vectors.length * dim);
      vectors.forEach((vector, i) => {
        matrix.set(vector, i * dim);
      });
      return { meta: { dim, rows: vectors.length }, arrays: { matrix } };
    },
    decode(entry) {
      const matrix = entry.arrays.matrix as Float32Array;
      const rows = (entry.meta as { rows: number }).rows;
      return Array.from({ length: rows }, (_, i) => matrix.subarray(i * dim, (i + 1) * dim));
    },
  };
}

/**
 * Each text's embedding (`embedder.embed(tokenize(text))`), from the derived cache when the same
 * texts were embedded by the same embedder before. Only embedders with a `contentKey` are cached;
 * others embed every time. Treat the vectors as read-only.
 *
 * @example const vectors = cachedEmbeddings(texts, meanVectorEmbedder(await loadPretrainedVectors()));
 */
export function cachedEmbeddings(texts: readonly string[], embedder: TextEmbedder): Float32Array[] {
  const compute = (): Float32Array[] => {
    if (!embedder.embedMany) return cachedTokens(texts).map((tokens) => embedder.embed(tokens));
    const { terms, ids, offsets } = cachedTokenIds(texts);
    return embedder.embedMany(terms, ids, offsets);
  };
  if (embedder.contentKey === undefined) return compute();
  return cachedValue(
    {
      kind: "pooled-vectors",
      inputs: {
        texts: textsKey(texts),
        tokenizer: codeKey(tokenize),
        embedder: embedder.contentKey,
        dim: embedder.dim,
      },
    },
    vectorsCodec(embedder.dim),
    compute,
  );
}
