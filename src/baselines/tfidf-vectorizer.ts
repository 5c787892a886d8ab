import { type TokenIds, tokenIdsOf } from "../cache/token-cache.js";
import { tokenize } from "../data/tokenize.js";
import type { SparseRow } from "./sparse-matrix.js";

/** How TF-IDF features are built. */
export interface TfidfOptions {
  /** Keep at most this many terms, those in the most training documents (ties: alphabetical). */
  maxFeatures: number;
  /** Drop terms in fewer than this many training documents. */
  minDf: number;
  /** Use 1 + ln(tf) instead of raw counts. */
  sublinearTf: boolean;
}

/** A fitted TF-IDF vocabulary: term → column and the column's idf. */
export interface TfidfVectorizer {
  vocabulary: Map<string, number>;
  idf: Float64Array;
  options: TfidfOptions;
}

/**
 * Fits a TF-IDF vocabulary on training texts with scikit-learn's smoothed idf,
 * idf(t) = ln((1 + N) / (1 + df(t))) + 1.
 */
export function fitTfidf(texts: readonly string[], options: TfidfOptions): TfidfVectorizer {
  return fitTfidfTokenIds(tokenIdsOf(texts.map(tokenize)), options);
}

/**
 * `fitTfidf` on texts already tokenised into term ids (`cachedTokenIds`): the same vocabulary and idf,
 * with each distinct term hashed once instead of once per document.
 */
export function fitTfidfTokenIds(tokens: TokenIds, options: TfidfOptions): TfidfVectorizer {
  const { terms, ids, offsets } = tokens;
  const documents = offsets.length - 1;
  const df = new Int32Array(terms.length);
  // lastDoc[term] = the last document the term was counted in (so it counts once per document).
  const lastDoc = new Int32Array(terms.length).fill(-1);
  for (let doc = 0; doc < documents; doc++) {
    const end = offsets[doc + 1] as number;
    for (let p = offsets[doc] as number; p < end; p++) {
      const id = ids[p] as number;
      if (lastDoc[id] === doc) continue;
      lastDoc[id] = doc;
      df[id] = (df[id] as number) + 1;
    }
  }
  const kept = terms
    .map((term, id): [string, number] => [term, df[id] as number])
    .filter(([, n]) => n >= options.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.maxFeatures)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const vocabulary = new Map(kept.map(([term], col) => [term, col]));
  const idf = new Float64Array(kept.length);
  kept.forEach(([, n], col) => {
    idf[col] = Math.log((1 + documents) / (1 + n)) + 1;
  });
  return { vocabulary, idf, options };
}

/** The text's TF-IDF row, L2-normalised (all zero when no term is in the vocabulary). */
export function tfidfRow(vectorizer: TfidfVectorizer, text: string): SparseRow {
  return tfidfRowsOfTokenIds(vectorizer, tokenIdsOf([tokenize(text)]))[0] as SparseRow;
}

/** `tfidfRow` of each text already tokenised into term ids (`cachedTokenIds`): the same rows. */
export function tfidfRowsOfTokenIds(vectorizer: TfidfVectorizer, tokens: TokenIds): SparseRow[] {
  const { terms, ids, offsets } = tokens;
  const colOf = Int32Array.from(terms, (term) => vectorizer.vocabulary.get(term) ?? -1);
  const rows: SparseRow[] = new Array(Math.max(offsets.length - 1, 0));
  for (let doc = 0; doc < rows.length; doc++) {
    const start = offsets[doc] as number;
    const end = offsets[doc + 1] as number;
    // The known tokens' columns, sorted: equal columns are then adjacent and their run is the count.
    const cols = new Int32Array(end - start);
    let known = 0;
    for (let p = start; p < end; p++) {
      const col = colOf[ids[p] as number] as number;
      if (col >= 0) cols[known++] = col;
    }
    rows[doc] = rowOfColumns(vectorizer, cols.subarray(0, known).sort());
  }
  return rows;
}

/** The L2-normalised TF-IDF row of a document's sorted known columns (one per token). */
function rowOfColumns(vectorizer: TfidfVectorizer, sorted: Int32Array): SparseRow {
  const known = sorted.length;
  let distinct = 0;
  for (let i = 0; i < known; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const indices = new Int32Array(distinct);
  const values = new Float64Array(distinct);
  let norm = 0;
  for (let i = 0, at = 0; i < known; at++) {
    const col = sorted[i] as number;
    let tf = 0;
    while (i < known && sorted[i] === col) {
      tf++;
      i++;
    }
    const value = (vectorizer.options.sublinearTf ? 1 + Math.log(tf) : tf) * (vectorizer.idf[col] as number);
    indices[at] = col;
    values[at] = value;
    norm += value * value;
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * scale;
  }
  return { indices, values };
}
