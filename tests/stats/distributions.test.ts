import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregateSeeds, chiSquaredSf, InputError, studentTCdf, studentTQuantile } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertClose } from "../metrics/assert-close.js";

test("studentTQuantile and studentTCdf match scipy.stats.t (and mpmath) on 400 random (p, df) pairs", () => {
  const rng = createRng(31);
  const cases = Array.from({ length: 400 }, (_, i) => {
    const df = i % 4 === 0 ? 1 + rng.int(5) : i % 4 === 1 ? 1 + rng.int(60) : 0.5 + rng.next() * 500;
    const p = i % 3 === 0 ? [0.975, 0.95, 0.995, 0.025, 0.5][i % 5] : rng.next() * 0.998 + 0.001;
    return { p: p as number, df, t: rng.normal() * 4 };
  });
  // scipy's t.ppf (cephes stdtrit) is itself off by up to ~2e-9 relative (e.g. p=0.995, df=3), so the
  // quantile is also checked against a 30-digit mpmath inversion of the CDF, to 1e-12.
  const script = `
import json, sys, mpmath
from scipy import stats
mpmath.mp.dps = 30
def exact_ppf(p, df):
    p, df = mpmath.mpf(p), mpmath.mpf(df)
    cdf = lambda t: 1 - mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return float(mpmath.findroot(lambda t: cdf(t) - p, stats.t.ppf(float(p), float(df)))) if p > 0.5 else None
out = []
for c in json.load(sys.stdin):
    out.append({"q": stats.t.ppf(c["p"], c["df"]), "exact": exact_ppf(c["p"], c["df"]), "cdf": stats.t.cdf(c["t"], c["df"])})
print(json.dumps(out))
`;
  const expected = runPython<{ q: number; exact: number | null; cdf: number }[]>(script, cases);
  let exactChecks = 0;
  cases.forEach((c, i) => {
    const ref = expected[i] as { q: number; exact: number | null; cdf: number };
    const q = studentTQuantile(c.p, c.df);
    assertClose(q, ref.q, `t.ppf(${c.p}, ${c.df}) vs scipy`, 1e-8);
    if (ref.exact !== null) {
      exactChecks++;
      assertClose(q, ref.exact, `t.ppf(${c.p}, ${c.df}) vs mpmath`, 1e-12);
    }
    assertClose(studentTCdf(c.t, c.df), ref.cdf, `t.cdf(${c.t}, ${c.df})`);
  });
  assert.ok(exactChecks > 150, `mpmath checks: ${exactChecks}`);
  // The 95% interval's quantiles for 2..30 seeds agree with scipy to 1e-9.
  const dfs = Array.from({ length: 29 }, (_, i) => i + 1);
  const small = runPython<number[]>(
    "import json,sys\nfrom scipy import stats\nprint(json.dumps([stats.t.ppf(0.975, d) for d in json.load(sys.stdin)]))",
    dfs,
  );
  dfs.forEach((df, i) => {
    assertClose(studentTQuantile(0.975, df), small[i] as number, `t.ppf(0.975, ${df})`);
  });
  assert.throws(() => studentTQuantile(0.5, 0), InputError);
});

test("chiSquaredSf matches scipy.stats.chi2.sf on 300 random cases", () => {
  const rng = createRng(32);
  const cases = Array.from({ length: 300 }, (_, i) => ({
    x: rng.next() * (i % 2 === 0 ? 5 : 60),
    df: 1 + rng.int(5),
  }));
  const script = `
import json, sys
from scipy import stats
print(json.dumps([stats.chi2.sf(c["x"], c["df"]) for c in json.load(sys.stdin)]))
`;
  const expected = runPython<number[]>(script, cases);
  cases.forEach((c, i) => {
    assertClose(chiSquaredSf(c.x, c.df), expected[i] as number, `chi2.sf(${c.x}, ${c.df})`);
  });
});

test("aggregateSeeds matches numpy's mean/std(ddof=1) and scipy's t interval on 250 random samples", () => {
  const rng = createRng(33);
  const cases = Array.from({ length: 250 }, (_, i) => {
    const n = 2 + rng.int(i % 2 === 0 ? 4 : 30);
    const center = rng.next();
    const values = Array.from({ length: n }, () => center + rng.normal() * 0.05);
    if (i % 25 === 0) values.fill(center); // identical seeds: zero-width interval
    return values;
  });
  const script = `
import json, sys
import numpy as np
from scipy import stats
out = []
for v in json.load(sys.stdin):
    v = np.array(v); n = len(v); m = v.mean(); s = v.std(ddof=1)
    h = stats.t.ppf(0.975, n - 1) * s / np.sqrt(n)
    out.append([m, s, m - h, m + h])
print(json.dumps(out))
`;
  const expected = runPython<number[][]>(script, cases);
  cases.forEach((values, i) => {
    const [mean, std, low, high] = expected[i] as [number, number, number, number];
    const got = aggregateSeeds(values);
    assert.equal(got.n, values.length);
    assertClose(got.mean, mean, `mean ${i}`);
    assertClose(got.std, std, `std ${i}`);
    assertClose(got.ciLow, low, `ciLow ${i}`);
    assertClose(got.ciHigh, high, `ciHigh ${i}`);
  });
  const single = aggregateSeeds([0.7]);
  assert.equal(single.mean, 0.7);
  assert.ok(Number.isNaN(single.std) && Number.isNaN(single.ciLow) && Number.isNaN(single.ciHigh));
  assert.throws(() => aggregateSeeds([]), InputError);
  assert.throws(() => aggregateSeeds([1, Number.NaN]), InputError);
});
