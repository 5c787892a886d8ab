/**
 * Sum with numpy's pairwise summation (8 accumulators per block of ≤128, halves above), so means
 * agree with numpy/scikit-learn to the last bit instead of drifting with naive left-to-right sums.
 */
export function pairwiseSum(values: readonly number[], start = 0, count = values.length - start): number {
  if (count < 8) {
    let total = 0;
    for (let i = start; i < start + count; i++) total += values[i] as number;
    return total;
  }
  if (count <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j] as number;
    let i = 8;
    for (; i < count - (count % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (values[start + i + j] as number);
    }
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    let total = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < count; i++) total += values[start + i] as number;
    return total;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

/** Arithmetic mean with numpy's summation. */
export function mean(values: readonly number[]): number {
  return pairwiseSum(values) / values.length;
}

/** Median as numpy computes it (mean of the two middle values for even counts). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
