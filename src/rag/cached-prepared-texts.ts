import { cachedEmbeddings } from "../cache/pooled-vector-cache.js";
import { cachedTokens } from "../cache/token-cache.js";
import type { TextEmbedder } from "../embeddings/text-embedder.js";
import type { PreparedTexts } from "./knowledge-base.js";

/**
 * The tokens of texts and, given an embedder, their vectors, through the derived cache (see
 * `cachedTokens` and `cachedEmbeddings`): what `KnowledgeBase.add` and `retrieveMany` take as
 * `prepared`, equal to what they would compute themselves.
 */
export function cachedPreparedTexts(texts: readonly string[], embedder?: TextEmbedder): PreparedTexts {
  // The tokens are read on first use: dense retrieval with the vectors never needs them.
  let tokens: string[][] | undefined;
  const prepared: PreparedTexts = {
    get tokens() {
      tokens ??= cachedTokens(texts);
      return tokens;
    },
  };
  if (embedder) prepared.vectors = cachedEmbeddings(texts, embedder);
  return prepared;
}
