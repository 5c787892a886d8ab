/** A point of a curve. */
export interface CurvePoint {
  step: number;
  value: number;
}

/**
 * Keeps at most `maxItems` items, evenly spaced by position, always keeping the first and last.
 * On items sorted by a value this is a quantile sample: the kept items keep the spread of the values.
 */
export function evenlySpaced<T>(items: readonly T[], maxItems: number): T[] {
  if (items.length <= maxItems || maxItems < 2) return [...items];
  const kept: T[] = [];
  const stride = (items.length - 1) / (maxItems - 1);
  for (let i = 0; i < maxItems; i++) {
    const item = items[Math.round(i * stride)];
    if (item !== undefined) kept.push(item);
  }
  return kept;
}

/**
 * Keeps at most `maxPoints` points of a series, evenly spaced, always keeping the first and last,
 * so long training curves stay small in a report without changing their shape much.
 */
export function downsampleSeries(points: readonly CurvePoint[], maxPoints = 200): CurvePoint[] {
  return evenlySpaced(points, maxPoints);
}
