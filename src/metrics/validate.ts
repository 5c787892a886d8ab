import { InputError } from "../util/errors.js";

/** Throws InputError unless both arrays are non-empty and of equal length. */
export function checkPaired(what: string, yTrue: readonly unknown[], yPred: readonly unknown[]): void {
  if (yTrue.length !== yPred.length) {
    throw new InputError(
      `${what}: y_true has ${yTrue.length} values but y_pred has ${yPred.length}; pass one prediction per example`,
    );
  }
  if (yTrue.length === 0)
    throw new InputError(`${what}: no examples given; pass at least one y_true/y_pred pair`);
}

/** Throws InputError unless every value is a finite number. */
export function checkFinite(what: string, name: string, values: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new InputError(
        `${what}: ${name}[${i}] is ${String(value)}, not a finite number; fix or drop that row`,
      );
    }
  }
}

/** Sorted unique labels of both arrays, in code-point order (as numpy sorts strings). */
export function uniqueLabels(...arrays: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  for (const array of arrays) for (const value of array) seen.add(value);
  return [...seen].sort(compareCodePoints);
}

const surrogate = /[\uD800-\uDFFF]/;

/** Orders strings by code point, like numpy's sort of a string array. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals code-point order unless a surrogate pair is involved.
  if (!surrogate.test(a) && !surrogate.test(b)) return a < b ? -1 : 1;
  const left = [...a];
  const right = [...b];
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
