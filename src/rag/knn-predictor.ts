import type { KbHit } from "./knowledge-base.js";

/** How much each neighbour counts: its retrieval score, 1 each, or 1 / rank. */
export type NeighbourWeighting = "similarity" | "uniform" | "rank";

/** How regression combines the neighbours' targets. */
export type NeighbourAggregate = "mean" | "median";

/** Weights of the hits under a weighting; similarity weights are clamped at 0 (negative cosines). */
export function neighbourWeights(hits: readonly KbHit[], weighting: NeighbourWeighting): number[] {
  const weights = hits.map((hit) => {
    if (weighting === "uniform") return 1;
    if (weighting === "rank") return 1 / hit.rank;
    return Math.max(hit.score, 0);
  });
  // All-zero similarity weights (e.g. only negative cosines) fall back to a uniform vote.
  return weights.some((w) => w > 0) ? weights : hits.map(() => 1);
}

/**
 * Weighted vote of the neighbours' labels. Returns the winning label and each class's share of the
 * weight (scores sum to 1); ties go to the label of the best-ranked neighbour among the tied. With no
 * neighbours, `fallback` wins with all the weight.
 */
export function voteLabel(
  hits: readonly KbHit[],
  labels: readonly string[],
  weighting: NeighbourWeighting,
  fallback: string,
): { label: string; scores: Record<string, number> } {
  const scores: Record<string, number> = Object.fromEntries(labels.map((label) => [label, 0]));
  const labelled = hits.filter((hit) => hit.document.label !== undefined);
  if (labelled.length === 0) {
    scores[fallback] = 1;
    return { label: fallback, scores };
  }
  const weights = neighbourWeights(labelled, weighting);
  let total = 0;
  labelled.forEach((hit, i) => {
    const label = hit.document.label as string;
    scores[label] = (scores[label] ?? 0) + (weights[i] as number);
    total += weights[i] as number;
  });
  for (const label of Object.keys(scores)) scores[label] = (scores[label] as number) / total;
  let best = labelled[0]?.document.label as string;
  for (const hit of labelled) {
    const label = hit.document.label as string;
    if ((scores[label] as number) > (scores[best] as number)) best = label;
  }
  return { label: best, scores };
}

/** Weighted mean or weighted median of the neighbours' targets; `fallback` with no neighbours. */
export function aggregateTarget(
  hits: readonly KbHit[],
  weighting: NeighbourWeighting,
  aggregate: NeighbourAggregate,
  fallback: number,
): number {
  const valued = hits.filter((hit) => hit.document.target !== undefined);
  if (valued.length === 0) return fallback;
  const weights = neighbourWeights(valued, weighting);
  const targets = valued.map((hit) => hit.document.target as number);
  if (aggregate === "mean") {
    let sum = 0;
    let total = 0;
    targets.forEach((t, i) => {
      sum += t * (weights[i] as number);
      total += weights[i] as number;
    });
    return sum / total;
  }
  return weightedMedian(targets, weights);
}

/**
 * The value at which the cumulative weight reaches half the total; when it lands exactly on half,
 * the mean of that value and the next (so equal weights give the ordinary median).
 */
export function weightedMedian(values: readonly number[], weights: readonly number[]): number {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r] as number;
    cumulative += weights[i] as number;
    if (Math.abs(cumulative - total / 2) <= 1e-12 * total && r + 1 < order.length) {
      return ((values[i] as number) + (values[order[r + 1] as number] as number)) / 2;
    }
    if (cumulative >= total / 2) return values[i] as number;
  }
  return values[order[order.length - 1] as number] as number;
}
