import assert from "node:assert/strict";

/** Asserts |actual − expected| ≤ tolerance · max(1, |expected|); NaN matches NaN (sent from Python as "nan"). */
export function assertClose(
  actual: number,
  expected: number | string | null,
  context: string,
  tolerance = 1e-9,
): void {
  if (expected === "nan" || expected === null) {
    assert.ok(Number.isNaN(actual), `${context}: expected NaN, got ${actual}`);
    return;
  }
  const want = typeof expected === "string" ? Number(expected) : expected;
  const scale = Math.max(1, Math.abs(want));
  assert.ok(Math.abs(actual - want) <= tolerance * scale, `${context}: expected ${want}, got ${actual}`);
}

/** Element-wise `assertClose` of two equally long arrays. */
export function assertAllClose(
  actual: readonly number[],
  expected: readonly (number | string | null)[],
  context: string,
  tolerance = 1e-9,
): void {
  assert.equal(actual.length, expected.length, `${context}: length`);
  actual.forEach((value, i) => {
    assertClose(value, expected[i] ?? null, `${context}[${i}]`, tolerance);
  });
}
