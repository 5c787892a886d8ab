import { InputError } from "../util/errors.js";

/** Relevance judgements: query id → document id → relevance grade (> 0 is relevant). */
export type Qrels = Map<string, Map<string, number>>;

/**
 * Parses TREC-format qrels: one `qid iteration docid relevance` line per judgement (whitespace
 * separated; blank lines and lines starting with # ignored).
 */
export function parseQrels(text: string): Qrels {
  const qrels: Qrels = new Map();
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const fields = trimmed.split(/\s+/);
    const relevance = Number(fields[3]);
    if (fields.length !== 4 || !Number.isFinite(relevance)) {
      throw new InputError(`qrels line ${i + 1} is not "qid 0 docid relevance": "${trimmed}"; fix the file`);
    }
    const [qid, , docid] = fields as [string, string, string];
    let judged = qrels.get(qid);
    if (!judged) {
      judged = new Map();
      qrels.set(qid, judged);
    }
    judged.set(docid, relevance);
  });
  return qrels;
}

/** Fraction of the relevant documents found in the top k (0 when nothing is relevant). */
export function recallAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let relevant = 0;
  for (const grade of judged.values()) if (grade > 0) relevant++;
  if (relevant === 0) return 0;
  let found = 0;
  for (const id of ranked.slice(0, k)) if ((judged.get(id) ?? 0) > 0) found++;
  return found / relevant;
}

/** 1 / rank of the first relevant document (0 when none is retrieved). */
export function reciprocalRank(ranked: readonly string[], judged: ReadonlyMap<string, number>): number {
  const at = ranked.findIndex((id) => (judged.get(id) ?? 0) > 0);
  return at < 0 ? 0 : 1 / (at + 1);
}

/**
 * nDCG@k with linear gains and log2(rank + 1) discounts, as trec_eval's ndcg_cut: DCG of the ranking
 * over DCG of the ideal ordering of the judged grades (0 when nothing is relevant).
 */
export function ndcgAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k = 10): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    const grade = judged.get(id) ?? 0;
    if (grade > 0) dcg += grade / Math.log2(i + 2);
  });
  const ideal = [...judged.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  ideal.slice(0, k).forEach((grade, i) => {
    idcg += grade / Math.log2(i + 2);
  });
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Mean retrieval quality of a run (query id → ranked document ids) over the judged queries. */
export interface RetrievalQuality {
  queries: number;
  recallAtK: number;
  mrr: number;
  ndcgAt10: number;
}

/**
 * Averages recall@k, MRR and nDCG@10 over every query in the qrels (a judged query missing from the
 * run scores 0, as in trec_eval with -c).
 */
export function evaluateRetrieval(
  run: ReadonlyMap<string, readonly string[]>,
  qrels: Qrels,
  k = 10,
): RetrievalQuality {
  let recall = 0;
  let mrr = 0;
  let ndcg = 0;
  for (const [qid, judged] of qrels) {
    const ranked = run.get(qid) ?? [];
    recall += recallAtK(ranked, judged, k);
    mrr += reciprocalRank(ranked, judged);
    ndcg += ndcgAtK(ranked, judged, 10);
  }
  const n = qrels.size;
  return n === 0
    ? { queries: 0, recallAtK: 0, mrr: 0, ndcgAt10: 0 }
    : { queries: n, recallAtK: recall / n, mrr: mrr / n, ndcgAt10: ndcg / n };
}

/**
 * Label precision@k: the fraction of the first k neighbours whose label equals the query's true
 * label (counting missing neighbours as misses, so fewer than k hits lowers it).
 */
export function labelPrecisionAtK(
  neighbourLabels: readonly (string | undefined)[],
  label: string,
  k: number,
): number {
  if (k <= 0) return 0;
  let same = 0;
  for (const neighbour of neighbourLabels.slice(0, k)) if (neighbour === label) same++;
  return same / k;
}
