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
  const df = new Map<string, number>();
  for (const text of texts) {
    for (const term of new Set(tokenize(text))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const kept = [...df]
    .filter(([, n]) => n >= options.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.maxFeatures)
    .map(([term]) => term)
    .sort();
  const vocabulary = new Map(kept.map((term, col) => [term, col]));
  const idf = new Float64Array(kept.length);
  const n = texts.length;
  kept.forEach((term, col) => {
    idf[col] = Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1;
  });
  return { vocabulary, idf, options };
}

/** The text's TF-IDF row, L2-normalised (all zero when no term is in the vocabulary). */
export function tfidfRow(vectorizer: TfidfVectorizer, text: string): SparseRow {
  const counts = new Map<number, number>();
  for (const token of tokenize(text)) {
    const col = vectorizer.vocabulary.get(token);
    if (col !== undefined) counts.set(col, (counts.get(col) ?? 0) + 1);
  }
  const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const values = new Float64Array(indices.length);
  let norm = 0;
  indices.forEach((col, i) => {
    const tf = counts.get(col) as number;
    const value = (vectorizer.options.sublinearTf ? 1 + Math.log(tf) : tf) * (vectorizer.idf[col] as number);
    values[i] = value;
    norm += value * value;
  });
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * scale;
  }
  return { indices, values };
}
