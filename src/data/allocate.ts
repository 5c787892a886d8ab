/**
 * Integer counts that sum to `total` and are each within one of `total * fraction` (largest remainder;
 * ties go to the earlier bin).
 */
export function largestRemainder(total: number, fractions: readonly number[]): number[] {
  const exact = fractions.map((fraction) => total * fraction);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
    left--;
  }
  return counts;
}

/**
 * Assigns items, in the order given, each to the bin with the largest remaining deficit
 * (target minus what it holds; ties go to the earlier bin). With items of size one this meets every
 * target exactly; a larger item overshoots its bin by at most its size minus one.
 */
export function allocateToTargets(sizes: readonly number[], targets: readonly number[]): number[] {
  const filled = new Float64Array(targets.length);
  const bins = new Array<number>(sizes.length);
  for (let item = 0; item < sizes.length; item++) {
    let best = 0;
    let bestDeficit = Number.NEGATIVE_INFINITY;
    for (let bin = 0; bin < targets.length; bin++) {
      const deficit = (targets[bin] as number) - (filled[bin] as number);
      if (deficit > bestDeficit) {
        best = bin;
        bestDeficit = deficit;
      }
    }
    filled[best] = (filled[best] as number) + (sizes[item] as number);
    bins[item] = best;
  }
  return bins;
}
