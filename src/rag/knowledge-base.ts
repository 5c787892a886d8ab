import type { MetaValue } from "../data/types.js";
import { tokenize } from "../data/tokenize.js";
import { InputError, ModelError } from "../util/errors.js";
import { Bm25Index, type Bm25Params, luceneBm25Params } from "./bm25-index.js";
import { DenseIndex } from "./dense-index.js";
import type { TextEmbedder } from "../embeddings/text-embedder.js";
import type { ScoredSlot } from "./top-k.js";

/** One document a RAG system can retrieve and cite. */
export interface KbDocument {
  id: string;
  text: string;
  label?: string;
  target?: number;
  meta: Record<string, MetaValue>;
}

/** A retrieved document with its score and 1-based rank. */
export interface KbHit {
  document: KbDocument;
  score: number;
  rank: number;
}

/** How a knowledge base indexes its documents. */
export interface KnowledgeBaseOptions {
  /** BM25 parameters; default Lucene's k1 = 1.2, b = 0.75. */
  bm25?: Bm25Params;
  /** Enables dense retrieval: every document is embedded with it when added. */
  embedder?: TextEmbedder;
}

/**
 * Tokens (and, for dense retrieval, embeddings) of texts prepared beforehand, e.g. from the derived
 * cache: entry i belongs to text i and must equal `tokenize(text)` (and `embedder.embed(tokens)`).
 */
export interface PreparedTexts {
  tokens: readonly (readonly string[])[];
  vectors?: readonly Float32Array[];
}

/**
 * Documents with a BM25 index and (with an embedder) a dense index, both incremental: `add` and
 * `remove` touch only the documents named. Each document occupies a slot; removed slots stay empty
 * until the base is saved and loaded again.
 *
 * @example
 * const kb = new KnowledgeBase({ embedder });
 * kb.add(split.train.map(exampleToDocument));
 * kb.searchBm25("cheap meds online", 10);
 */
export class KnowledgeBase {
  readonly bm25: Bm25Index;
  readonly dense: DenseIndex | undefined;
  readonly embedder: TextEmbedder | undefined;
  private readonly slots: (KbDocument | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();

  constructor(options: KnowledgeBaseOptions = {}) {
    this.bm25 = new Bm25Index(options.bm25 ?? luceneBm25Params);
    this.embedder = options.embedder;
    this.dense = options.embedder ? new DenseIndex(options.embedder.dim) : undefined;
  }

  /** Number of documents. */
  get size(): number {
    return this.slotOf.size;
  }

  /** True when a document with this id is in the base. */
  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** The document with this id, if present. */
  get(id: string): KbDocument | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.slots[slot];
  }

  /** All documents in insertion order. */
  documents(): KbDocument[] {
    return this.slots.filter((doc): doc is KbDocument => doc !== undefined);
  }

  /**
   * Adds documents; an id already present is an InputError (remove it first to replace it). `prepared`
   * gives the documents' tokens and vectors in order, so they are not computed again.
   */
  add(documents: Iterable<KbDocument>, prepared?: PreparedTexts): void {
    let i = 0;
    for (const document of documents) {
      if (this.slotOf.has(document.id)) {
        throw new InputError(
          `knowledge base already holds document "${document.id}"; remove it before adding it again`,
        );
      }
      const slot = this.slots.length;
      const at = i;
      // Prepared tokens are read only when needed: a base searched densely with prepared vectors never
      // reads them (BM25 indexes on its first search).
      const tokensOf = (): readonly string[] => prepared?.tokens[at] ?? tokenize(document.text);
      const vector = prepared?.vectors?.[at];
      const tokens = this.dense && vector === undefined ? tokensOf() : undefined;
      this.slots.push(document);
      this.slotOf.set(document.id, slot);
      this.bm25.add(slot, tokens ?? (prepared ? tokensOf : tokenize(document.text)));
      if (this.dense && this.embedder)
        this.dense.add(slot, vector ?? this.embedder.embed(tokens ?? tokensOf()));
      i++;
    }
  }

  /** Removes documents by id; returns how many were present. */
  remove(ids: Iterable<string>): number {
    let removed = 0;
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      const document = this.slots[slot] as KbDocument;
      this.bm25.remove(slot, tokenize(document.text));
      this.dense?.remove(slot);
      this.slots[slot] = undefined;
      this.slotOf.delete(id);
      removed++;
    }
    return removed;
  }

  /** The k best BM25 matches for a query text (documents sharing no term are never returned). */
  searchBm25(query: string, k: number): KbHit[] {
    return this.hits(this.bm25.search(tokenize(query), k));
  }

  /** The k nearest documents by cosine similarity of embeddings. */
  searchDense(query: string, k: number): KbHit[] {
    const { dense, embedder } = this.requireDense();
    return this.hits(dense.search(embedder.embed(tokenize(query)), k));
  }

  /** `searchBm25` for a query already tokenised (`tokenize(query)`). */
  searchBm25Tokens(tokens: readonly string[], k: number): KbHit[] {
    return this.hits(this.bm25.search(tokens, k));
  }

  /** Dense search for many queries at once (blocked matrix multiply; same results as one by one). */
  searchDenseBatch(queries: readonly string[], k: number): KbHit[][] {
    const { embedder } = this.requireDense();
    return this.searchDenseVectors(
      queries.map((query) => embedder.embed(tokenize(query))),
      k,
    );
  }

  /** `searchDenseBatch` for queries already embedded with this base's embedder. */
  searchDenseVectors(vectors: readonly Float32Array[], k: number): KbHit[][] {
    const { dense } = this.requireDense();
    return dense.searchBatch(vectors, k).map((hits) => this.hits(hits));
  }

  private requireDense(): { dense: DenseIndex; embedder: TextEmbedder } {
    if (!this.dense || !this.embedder) {
      throw new ModelError(
        "this knowledge base has no embedder; create or load it with { embedder } for dense retrieval",
      );
    }
    return { dense: this.dense, embedder: this.embedder };
  }

  private hits(scored: ScoredSlot[]): KbHit[] {
    return scored.map((hit, i) => ({
      document: this.slots[hit.slot] as KbDocument,
      score: hit.score,
      rank: i + 1,
    }));
  }
}
