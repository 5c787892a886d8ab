import type { KbHit, KnowledgeBase } from "./knowledge-base.js";
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

/** The k best documents for each query text, best first, with the chosen retriever. */
export function retrieveMany(
  kb: KnowledgeBase,
  queries: readonly string[],
  options: RetrieveOptions,
): KbHit[][] {
  const { retriever, k } = options;
  if (retriever === "bm25") return queries.map((query) => kb.searchBm25(query, k));
  if (retriever === "dense") return kb.searchDenseBatch(queries, k);
  const depth = Math.max(options.fusionDepth ?? 100, k);
  const dense = kb.searchDenseBatch(queries, depth);
  return queries.map((query, i) =>
    reciprocalRankFusion([kb.searchBm25(query, depth), dense[i] ?? []], k, options.rrfK ?? 60),
  );
}

/** The k best documents for one query text. */
export function retrieve(kb: KnowledgeBase, query: string, options: RetrieveOptions): KbHit[] {
  return retrieveMany(kb, [query], options)[0] ?? [];
}
