import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError, mcnemarTest } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertClose } from "../metrics/assert-close.js";

test("mcnemarTest matches scipy (binomtest when b + c < 25, chi2.sf with continuity correction otherwise) on 400 cases", () => {
  const rng = createRng(41);
  const cases = Array.from({ length: 400 }, (_, i) => {
    const n = 1 + rng.int(i % 2 === 0 ? 40 : 400);
    const pA = rng.next();
    const pB = i % 7 === 0 ? pA : rng.next();
    const correctA = Array.from({ length: n }, () => rng.next() < pA);
    const correctB = i % 11 === 0 ? [...correctA] : Array.from({ length: n }, () => rng.next() < pB);
    const threshold = i % 5 === 0 ? 10 + rng.int(50) : 25;
    return { correctA, correctB, threshold };
  });
  const script = `
import json, sys
from scipy import stats
out = []
for c in json.load(sys.stdin):
    b = sum(1 for x, y in zip(c["correctA"], c["correctB"]) if x and not y)
    k = sum(1 for x, y in zip(c["correctA"], c["correctB"]) if y and not x)
    if b + k < c["threshold"] or b + k == 0:
        p = 1.0 if b + k == 0 else stats.binomtest(b, b + k, 0.5).pvalue
        out.append({"b": b, "c": k, "method": "exact", "statistic": min(b, k), "p": p})
    else:
        s = max(0, abs(b - k) - 1) ** 2 / (b + k)
        out.append({"b": b, "c": k, "method": "chi2", "statistic": s, "p": stats.chi2.sf(s, 1)})
print(json.dumps(out))
`;
  type Ref = { b: number; c: number; method: string; statistic: number; p: number };
  const expected = runPython<Ref[]>(script, cases);
  const methods = new Set<string>();
  cases.forEach((c, i) => {
    const ref = expected[i] as Ref;
    const got = mcnemarTest(c.correctA, c.correctB, { exactThreshold: c.threshold });
    methods.add(got.method);
    assert.equal(got.b, ref.b);
    assert.equal(got.c, ref.c);
    assert.equal(got.method, ref.method, `case ${i}`);
    assertClose(got.statistic, ref.statistic, `statistic ${i}`);
    assertClose(got.pValue, ref.p, `p ${i} (b=${ref.b}, c=${ref.c})`);
  });
  assert.deepEqual([...methods].sort(), ["chi2", "exact"]);
});

test("mcnemarTest handles no discordant pairs and rejects mismatched lengths", () => {
  assert.deepEqual(mcnemarTest([true, false], [true, false]), {
    b: 0,
    c: 0,
    statistic: 0,
    pValue: 1,
    method: "exact",
  });
  assert.throws(() => mcnemarTest([true], [true, false]), InputError);
});
