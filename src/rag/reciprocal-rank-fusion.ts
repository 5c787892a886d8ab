import type { KbHit } from "./knowledge-base.js";

/**
 * Reciprocal rank fusion (Cormack et al., 2009): each document scores Σ 1 / (rrfK + rank) over the
 * ranked lists it appears in; the k best fused documents are returned, best first (ties: the
 * document first seen in the earlier list).
 */
export function reciprocalRankFusion(lists: readonly KbHit[][], k: number, rrfK = 60): KbHit[] {
  const fused = new Map<string, { hit: KbHit; score: number; order: number }>();
  let order = 0;
  for (const list of lists) {
    for (const hit of list) {
      const entry = fused.get(hit.document.id);
      const add = 1 / (rrfK + hit.rank);
      if (entry) entry.score += add;
      else fused.set(hit.document.id, { hit, score: add, order: order++ });
    }
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k)
    .map((entry, i) => ({ document: entry.hit.document, score: entry.score, rank: i + 1 }));
}
