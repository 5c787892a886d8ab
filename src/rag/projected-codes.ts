// The int16 codes a quantised screen keeps of each unit vector (QuantisedScreen): their layout for
// each head width, and the rounding that makes their integer score a bound.
import { codeScale as scale } from "./exact-rescore-kernel.js";

/**
 * Principal directions in projected codes, narrowest first; one more int16 holds the norm of the rest
 * (8 or 16 pairs in all), two more in the staged widest (32 pairs). A wider head costs more per
 * document and lets fewer through.
 */
export const headWidths = [15, 31, 61] as const;
export const widestHead = 61;
/**
 * Codes with a wider head start with this head's codes (its directions, then the norm of the rest),
 * so the screen can stop after them when no score of a block reaches its limit: that prefix's score
 * bounds the document's score too. Then come the other directions, this head's rest norm again (the
 * query's negated, so that its product cancels) and the norm of the wider head's rest.
 */
const stagedFrom = 31;
/** Bound, in cosine units, on the float64 rounding of projecting (a basis orthonormal to working precision). */
export const projectionSlack = 1e-6;

/** Integer entries of codes with a head of `head` directions. */
export function codeLength(head: number): number {
  return head > stagedFrom ? head + 3 : head + 1;
}

/** int16 pairs of the screen's first stage for codes with a head of `head` directions (0: one stage). */
export function firstStagePairs(head: number): number {
  return head > stagedFrom ? (stagedFrom + 1) / 2 : 0;
}

/** Coordinate codes of a unit vector into `out`: round(32000·x); returns the norm of the rounding errors. */
export function encodeCoordinates(unit: Float32Array, dim: number, out: Float64Array): number {
  for (let x = 0; x < dim; x++) out[x] = (unit[x] as number) * scale;
  return roundInPlace(out, dim);
}

/**
 * Projected codes into `out` from a vector's projections on the head's directions (`projected`, one
 * per direction) and its squared norm: the rounded projections and the rest's norm rounded up, staged
 * for heads wider than stagedFrom (`side` is 1 for a document, −1 for a query: the sign of the repeated
 * norm). Returns the norm of the head codes' rounding errors.
 */
export function encodeProjected(
  projected: Float64Array,
  norm: number,
  out: Float64Array,
  side: 1 | -1,
): number {
  const head = projected.length;
  const staged = head > stagedFrom;
  const first = staged ? stagedFrom : head;
  for (let h = 0; h < first; h++) out[h] = (projected[h] as number) * scale;
  out[first] = restNorm(projected, first, norm);
  if (!staged) return roundInPlace(out, first);
  for (let h = first; h < head; h++) out[h + 1] = (projected[h] as number) * scale;
  out[head + 1] = side * (out[first] as number);
  out[head + 2] = restNorm(projected, head, norm);
  return Math.hypot(roundInPlace(out, first), roundInPlace(out.subarray(first + 1), head - first));
}

/**
 * The int16 code of the norm of what the first `head` projections leave of a vector of squared norm
 * `norm`, rounded up (with the projection's rounding slack) so its products bound the rest's dot product.
 */
function restNorm(projected: Float64Array, head: number, norm: number): number {
  let kept = 0;
  for (let h = 0; h < head; h++) kept += (projected[h] as number) * (projected[h] as number);
  return Math.ceil(scale * (Math.sqrt(Math.max(0, norm - kept)) + projectionSlack));
}

/** Rounds values[0 .. count) to integers in place; returns the norm of the rounding errors. */
function roundInPlace(values: Float64Array, count: number): number {
  let squaredError = 0;
  for (let x = 0; x < count; x++) {
    const exact = values[x] as number;
    const code = Math.round(exact);
    squaredError += (code - exact) * (code - exact);
    values[x] = code;
  }
  return Math.sqrt(squaredError);
}
