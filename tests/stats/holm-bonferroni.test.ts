import assert from "node:assert/strict";
import { test } from "node:test";
import { holmBonferroni, InputError } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertAllClose } from "../metrics/assert-close.js";

test("holmBonferroni matches an independent numpy implementation of statsmodels' holm on 300 random families", () => {
  const rng = createRng(51);
  const cases = Array.from({ length: 300 }, (_, i) => {
    const m = 1 + rng.int(12);
    const p = Array.from({ length: m }, () => (i % 3 === 0 ? rng.next() * 0.1 : rng.next()));
    if (i % 10 === 0 && m > 1) p[1] = p[0] as number; // ties
    return p;
  });
  // statsmodels.stats.multitest.multipletests(method="holm"): sort, (m - k) * p, cumulative max, clip to 1.
  const script = `
import json, sys
import numpy as np
out = []
for p in json.load(sys.stdin):
    p = np.asarray(p); m = len(p); order = np.argsort(p, kind="mergesort")
    adj_sorted = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adj = np.empty(m); adj[order] = adj_sorted
    out.append(adj.tolist())
print(json.dumps(out))
`;
  const expected = runPython<number[][]>(script, cases);
  cases.forEach((p, i) => {
    assertAllClose(holmBonferroni(p), expected[i] as number[], `family ${i}`);
  });
  assert.deepEqual(holmBonferroni([]), []);
  assert.throws(() => holmBonferroni([0.5, 1.2]), InputError);
});
