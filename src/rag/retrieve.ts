import type { KbHit, KnowledgeBase, PreparedTexts } from "./knowledge-base.js";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";

/** Which retriever finds the neighbours: lexical BM25, dense cosine, or their rank fusion. */
export type RetrieverKind = "bm25" | "dense" | "hybrid";

/** How to retrieve. */
export interface RetrieveOptions {
  retriever: RetrieverKind;
  k: number;
  /** RRF constant for hybrid retrieval (default 60). */
  rrfK?: number;
  /** How deep each list goes before fusion in hybrid retrieval (default max(100, k)). */
  fusionDepth?: number;
}

/**
 * The k best documents for each query text, best first, with the chosen retriever. `prepared` gives
 * the queries' tokens (and vectors, for dense and hybrid) when they were computed already.
 */
export function retrieveMany(
  kb: KnowledgeBase,
  queries: readonly string[],
  options: RetrieveOptions,
  prepared?: PreparedTexts,
): KbHit[][] {
  const { retriever, k } = options;
  const bm25 = (i: number, depth: number): KbHit[] => {
    const tokens = prepared?.tokens[i];
    return tokens ? kb.searchBm25Tokens(tokens, depth) : kb.searchBm25(queries[i] ?? "", depth);
  };
  const dense = (depth: number): KbHit[][] =>
    prepared?.vectors ? kb.searchDenseVectors(prepared.vectors, depth) : kb.searchDenseBatch(queries, depth);
  if (retriever === "bm25") return queries.map((_, i) => bm25(i, k));
  if (retriever === "dense") return dense(k);
  const depth = Math.max(options.fusionDepth ?? 100, k);
  const denseLists = dense(depth);
  return queries.map((_, i) =>
    reciprocalRankFusion([bm25(i, depth), denseLists[i] ?? []], k, options.rrfK ?? 60),
  );
}

/** The k best documents for one query text. */
export function retrieve(kb: KnowledgeBase, query: string, options: RetrieveOptions): KbHit[] {
  return retrieveMany(kb, [query], options)[0] ?? [];
}
