import assert from "node:assert/strict";
import { test } from "node:test";
import {
  evaluateRetrieval,
  labelPrecisionAtK,
  ndcgAtK,
  parseQrels,
  recallAtK,
  reciprocalRank,
} from "../../src/rag/index.js";
import { InputError } from "../../src/util/errors.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";

// Reference: the trec_eval definitions written out in Python (linear gain, log2 discount).
const referenceScript = `
import json, sys, math
cases = json.load(sys.stdin)
out = []
for c in cases:
    ranked, judged, k = c["ranked"], c["judged"], c["k"]
    rel = {d: g for d, g in judged.items() if g > 0}
    recall = (sum(1 for d in ranked[:k] if d in rel) / len(rel)) if rel else 0.0
    rr = 0.0
    for i, d in enumerate(ranked):
        if d in rel:
            rr = 1.0 / (i + 1)
            break
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    out.append([recall, rr, dcg / idcg if idcg > 0 else 0.0])
print(json.dumps(out))
`;

test("recall@k, reciprocal rank and nDCG@10 agree with the trec_eval definitions on 200 random rankings", () => {
  const rng = createRng(11);
  const cases = Array.from({ length: 200 }, () => {
    const pool = Array.from({ length: 5 + rng.int(30) }, (_, i) => `d${i}`);
    const ranked = rng.shuffle([...pool]).slice(0, rng.int(pool.length + 1));
    const judged: Record<string, number> = {};
    for (const doc of pool) if (rng.next() < 0.3) judged[doc] = rng.int(4);
    return { ranked, judged, k: 1 + rng.int(15) };
  });
  const expected = runPython<number[][]>(referenceScript, cases);
  cases.forEach((c, i) => {
    const judged = new Map(Object.entries(c.judged));
    const [recall, rr, ndcg] = expected[i] as [number, number, number];
    assert.ok(Math.abs(recallAtK(c.ranked, judged, c.k) - recall) < 1e-12, `case ${i} recall`);
    assert.ok(Math.abs(reciprocalRank(c.ranked, judged) - rr) < 1e-12, `case ${i} rr`);
    assert.ok(Math.abs(ndcgAtK(c.ranked, judged, 10) - ndcg) < 1e-12, `case ${i} ndcg`);
  });
});

test("TREC qrels parse, and a run is averaged over every judged query (missing queries score 0)", () => {
  const qrels = parseQrels("# comment\nq1 0 d1 1\nq1 0 d2 0\n\nq1 0 d3 2\nq2\t0\td9\t1\n");
  assert.deepEqual(
    [...(qrels.get("q1") ?? [])],
    [
      ["d1", 1],
      ["d2", 0],
      ["d3", 2],
    ],
  );
  const run = new Map([["q1", ["d3", "d2", "d1"]]]);
  const quality = evaluateRetrieval(run, qrels, 2);
  assert.equal(quality.queries, 2);
  assert.equal(quality.recallAtK, (1 / 2 + 0) / 2);
  assert.equal(quality.mrr, (1 + 0) / 2);
  const ideal = 2 + 1 / Math.log2(3);
  const got = 2 + 1 / Math.log2(4);
  assert.ok(Math.abs(quality.ndcgAt10 - got / ideal / 2) < 1e-12);
  assert.throws(() => parseQrels("q1 0 d1\n"), InputError);
  assert.throws(() => parseQrels("q1 0 d1 high\n"), InputError);
});

test("label precision@k counts neighbours with the query's label and treats missing neighbours as misses", () => {
  assert.equal(labelPrecisionAtK(["spam", "ham", "spam"], "spam", 3), 2 / 3);
  assert.equal(labelPrecisionAtK(["spam"], "spam", 4), 1 / 4);
  assert.equal(labelPrecisionAtK(["ham", "ham", "spam", "spam"], "spam", 2), 0);
  assert.equal(labelPrecisionAtK([undefined, "spam"], "spam", 2), 1 / 2);
});
