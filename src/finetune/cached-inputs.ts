import { cachedValue } from "../cache/derived-cache.js";
import { cachedTokens } from "../cache/token-cache.js";
import { codeKey, textsKey } from "../cache/texts-key.js";
import { tokenize } from "../data/tokenize.js";
import type { PretrainedVectors } from "../embeddings/pretrained-vectors.js";
import { sha256 } from "../util/hash.js";
import {
  buildVocabulary,
  type EncodedTexts,
  encodeTexts,
  type Vocabulary,
  vocabularyFromWords,
} from "./vocabulary.js";

/** The content key of a vocabulary: its words in order. */
function vocabularyKey(vocabulary: Vocabulary): string {
  return sha256(vocabulary.words.join("\n"));
}

/**
 * `buildVocabulary(texts.map(tokenize), size)` through the derived cache, keyed by the texts, the size
 * and the source of the tokeniser and of `buildVocabulary`.
 */
export function cachedVocabulary(texts: readonly string[], size: number): Vocabulary {
  return cachedValue(
    {
      kind: "vocabulary",
      inputs: { texts: textsKey(texts), size, code: codeKey(tokenize, buildVocabulary) },
    },
    {
      encode: (vocabulary) => ({ meta: { words: vocabulary.words }, arrays: {} }),
      decode: (entry) => vocabularyFromWords((entry.meta as { words: string[] }).words),
    },
    () => buildVocabulary(cachedTokens(texts), size),
  );
}

/** `encodeTexts(texts.map(tokenize), vocabulary, maxTokens)` through the derived cache. */
export function cachedEncoding(
  texts: readonly string[],
  vocabulary: Vocabulary,
  maxTokens: number,
): EncodedTexts {
  return cachedValue(
    {
      kind: "token-ids",
      inputs: {
        texts: textsKey(texts),
        vocabulary: vocabularyKey(vocabulary),
        maxTokens,
        code: codeKey(tokenize, encodeTexts),
      },
    },
    {
      encode: (encoded) => ({
        meta: { tokens: encoded.tokens, oov: encoded.oov },
        arrays: { ids: encoded.ids, offsets: encoded.offsets },
      }),
      decode: (entry) => {
        const { tokens, oov } = entry.meta as { tokens: number; oov: number };
        return {
          ids: entry.arrays.ids as Int32Array,
          offsets: entry.arrays.offsets as Int32Array,
          tokens,
          oov,
        };
      },
    },
    () => encodeTexts(cachedTokens(texts), vocabulary, maxTokens),
  );
}

/** Each vocabulary word's pretrained vector (zeros where `found` is 0), rows in vocabulary order. */
export interface PretrainedRows {
  rows: Float32Array;
  found: Uint8Array;
}

function lookUpRows(vocabulary: Vocabulary, vectors: PretrainedVectors): PretrainedRows {
  const rows = new Float32Array(vocabulary.words.length * vectors.dim);
  const found = new Uint8Array(vocabulary.words.length);
  vocabulary.words.forEach((word, row) => {
    const vector = vectors.vector(word);
    if (!vector) return;
    rows.set(vector, row * vectors.dim);
    found[row] = 1;
  });
  return { rows, found };
}

/**
 * The pretrained vectors of a vocabulary's words (`vectors.vector(word)` for each), through the
 * derived cache, keyed by the words and the vectors' `contentKey` (vectors without one are looked up
 * every time).
 */
export function cachedPretrainedRows(vocabulary: Vocabulary, vectors: PretrainedVectors): PretrainedRows {
  if (vectors.contentKey === undefined) return lookUpRows(vocabulary, vectors);
  return cachedValue(
    {
      kind: "pretrained-rows",
      inputs: {
        vocabulary: vocabularyKey(vocabulary),
        vectors: vectors.contentKey,
        dim: vectors.dim,
        code: codeKey(lookUpRows),
      },
    },
    {
      encode: (value) => ({ meta: null, arrays: { rows: value.rows, found: value.found } }),
      decode: (entry) => ({
        rows: entry.arrays.rows as Float32Array,
        found: entry.arrays.found as Uint8Array,
      }),
    },
    () => lookUpRows(vocabulary, vectors),
  );
}
