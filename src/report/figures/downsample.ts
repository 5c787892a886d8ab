/** A point of a curve. */
export interface CurvePoint {
  step: number;
  value: number;
}

/**
 * Keeps at most `maxPoints` points of a series, evenly spaced, always keeping the first and last,
 * so long training curves stay small in a report without changing their shape much.
 */
export function downsampleSeries(points: readonly CurvePoint[], maxPoints = 200): CurvePoint[] {
  if (points.length <= maxPoints || maxPoints < 2) return [...points];
  const kept: CurvePoint[] = [];
  const stride = (points.length - 1) / (maxPoints - 1);
  for (let i = 0; i < maxPoints; i++) {
    const point = points[Math.round(i * stride)];
    if (point !== undefined) kept.push(point);
  }
  return kept;
}
