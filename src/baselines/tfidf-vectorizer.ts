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
  return fitTfidfTokens(texts.map(tokenize), options);
}

/**
 * `fitTfidf` on texts already tokenised (`tokenize`, e.g. from the derived cache): the same
 * vocabulary and idf as `fitTfidf` on the texts.
 */
export function fitTfidfTokens(
  tokenLists: readonly (readonly string[])[],
  options: TfidfOptions,
): TfidfVectorizer {
  const df = new Map<string, number>();
  // lastDoc[term] marks the term as counted for the current document (a Set per document costs more).
  const lastDoc = new Map<string, number>();
  tokenLists.forEach((tokens, doc) => {
    for (const term of tokens) {
      if (lastDoc.get(term) === doc) continue;
      lastDoc.set(term, doc);
      df.set(term, (df.get(term) ?? 0) + 1);
    }
  });
  const kept = [...df]
    .filter(([, n]) => n >= options.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.maxFeatures)
    .map(([term]) => term)
    .sort();
  const vocabulary = new Map(kept.map((term, col) => [term, col]));
  const idf = new Float64Array(kept.length);
  const n = tokenLists.length;
  kept.forEach((term, col) => {
    idf[col] = Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1;
  });
  return { vocabulary, idf, options };
}

/** The text's TF-IDF row, L2-normalised (all zero when no term is in the vocabulary). */
export function tfidfRow(vectorizer: TfidfVectorizer, text: string): SparseRow {
  return tfidfRowOfTokens(vectorizer, tokenize(text));
}

/** `tfidfRow` of a text already tokenised (`tokenize`): the same row. */
export function tfidfRowOfTokens(vectorizer: TfidfVectorizer, tokens: readonly string[]): SparseRow {
  // The known tokens' columns, sorted: equal columns are then adjacent and their run is the count.
  const cols = new Int32Array(tokens.length);
  let known = 0;
  for (const token of tokens) {
    const col = vectorizer.vocabulary.get(token);
    if (col !== undefined) cols[known++] = col;
  }
  const sorted = cols.subarray(0, known).sort();
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
