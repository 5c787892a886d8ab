// Cases 5 and 6 (labels) of issue 13: a stratified split of 500,000 rows is linear, and labels such
// as "__proto__" and "constructor" are counted as plain data.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeSplit } from "../../src/data/split.js";
import type { Dataset, Example } from "../../src/data/types.js";

const labels = ["__proto__", "constructor", "prototype", "toString", "spam", "ham", "hasOwnProperty"];

function dataset(rows: number): Dataset {
  const examples: Example[] = [];
  for (let i = 0; i < rows; i++) {
    // Every tenth text repeats an earlier one, so identical-text units of several rows exist too.
    const text = i % 10 === 9 ? `message ${i - 9}` : `message ${i}`;
    examples.push({ id: `r${i}`, text, label: labels[i % labels.length] as string, meta: {} });
  }
  return {
    name: "synthetic",
    task: "classification",
    labels,
    metaColumns: [],
    rows: examples,
    fingerprint: `synthetic-${rows}`,
    source: "synthetic",
  } as Dataset;
}

test("a stratified split of 500,000 rows takes under 15 s of CPU (it was quadratic)", () => {
  const data = dataset(500_000);
  const cpu = process.cpuUsage();
  const split = makeSplit(data, { strategy: "stratified", seed: 3 });
  const used = process.cpuUsage(cpu);
  const seconds = (used.user + used.system) / 1e6;
  assert.ok(seconds < 15, `took ${seconds.toFixed(1)} s of CPU`);
  assert.equal(split.train.length + split.val.length + split.test.length, 500_000);
  // Stratified: each class keeps its share in every split (within the size of one text unit).
  for (const label of labels) {
    const share = split.info.classCounts?.test[label] ?? 0;
    assert.ok(Math.abs(share / split.test.length - 1 / labels.length) < 0.01, `${label}: ${share}`);
  }
});

test('labels such as "__proto__" and "constructor" are counted as plain data in split.json', () => {
  const split = makeSplit(dataset(700), { strategy: "stratified", seed: 1 });
  const counts = split.info.classCounts;
  assert.ok(counts !== undefined);
  for (const part of ["train", "val", "test"] as const) {
    const byLabel: Record<string, number> = counts[part];
    assert.deepEqual(Object.keys(byLabel).sort(), [...labels].sort());
    for (const label of labels) {
      assert.ok(Object.hasOwn(byLabel, label), label);
      assert.equal(typeof byLabel[label], "number", label);
    }
    assert.equal(Object.getPrototypeOf(byLabel), Object.prototype);
  }
  const text = JSON.stringify(split.info);
  assert.doesNotMatch(text, /native code|function/);
  assert.match(text, /"__proto__":\d+/);
});

test("split seeds outside 0..2^32-1 are rejected, not reduced modulo 2^32", () => {
  const data = dataset(100);
  for (const seed of [4294967296, 1e300, -1, 0.5]) {
    assert.throws(
      () => makeSplit(data, { strategy: "random", seed }),
      /must be a whole number from 0 to 4294967295/,
    );
  }
  assert.equal(makeSplit(data, { strategy: "random", seed: 4294967295 }).info.seed, 4294967295);
});
