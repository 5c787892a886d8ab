import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedValidationPerformance, InputError } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertClose } from "../metrics/assert-close.js";

test("expectedValidationPerformance equals the exact expected max/min over all N^n draws on 200 random sweeps", () => {
  const rng = createRng(61);
  const cases = Array.from({ length: 200 }, (_, i) => {
    const size = 1 + rng.int(5);
    const scores = Array.from({ length: size }, () => Math.round(rng.next() * 20) / 20); // ties happen
    return { scores, maxTrials: 1 + rng.int(4), goal: i % 3 === 0 ? "min" : "max" };
  });
  // Brute force: enumerate every ordered draw of n trials with replacement (independent of the formula).
  const script = `
import json, sys, itertools
import numpy as np
out = []
for c in json.load(sys.stdin):
    pick = max if c["goal"] == "max" else min
    row = []
    for n in range(1, c["maxTrials"] + 1):
        best = [pick(d) for d in itertools.product(c["scores"], repeat=n)]
        row.append([float(np.mean(best)), float(np.std(best))])
    out.append(row)
print(json.dumps(out))
`;
  const expected = runPython<number[][][]>(script, cases);
  cases.forEach((c, i) => {
    const got = expectedValidationPerformance(c.scores, c.maxTrials, { goal: c.goal as "max" | "min" });
    assert.equal(got.length, c.maxTrials);
    got.forEach((point, k) => {
      const [mean, std] = (expected[i] as number[][])[k] as [number, number];
      assert.equal(point.n, k + 1);
      assertClose(point.expected, mean, `case ${i} n=${k + 1} expected`);
      assertClose(point.std, std, `case ${i} n=${k + 1} std`, 1e-7);
    });
  });
});

test("expectedValidationPerformance rises towards the best score and rejects bad input", () => {
  const curve = expectedValidationPerformance([0.1, 0.5, 0.9, 0.3], 50);
  for (let i = 1; i < curve.length; i++)
    assert.ok((curve[i]?.expected ?? 0) >= (curve[i - 1]?.expected ?? 0));
  assert.ok(Math.abs((curve[49]?.expected ?? 0) - 0.9) < 1e-5);
  assert.throws(() => expectedValidationPerformance([]), InputError);
  assert.throws(() => expectedValidationPerformance([0.5], 0), InputError);
});
