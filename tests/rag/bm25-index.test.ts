import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { Bm25Index, KnowledgeBase, luceneBm25Params } from "../../src/rag/index.js";
import { tokenize } from "../../src/data/tokenize.js";
import { createRng, type Rng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";

// An independent BM25 written straight from the formula (Robertson/Lucene idf), computed by numpy.
const referenceScript = `
import json, sys, numpy as np
cases = json.load(sys.stdin)
out = []
for case in cases:
    docs, queries, k1, b = case["docs"], case["queries"], case["k1"], case["b"]
    vocab = sorted({t for d in docs for t in d})
    col = {t: i for i, t in enumerate(vocab)}
    tf = np.zeros((len(docs), len(vocab)))
    for i, d in enumerate(docs):
        for t in d:
            tf[i, col[t]] += 1
    dl = np.array([len(d) for d in docs], dtype=float)
    avgdl = dl.mean()
    N = len(docs)
    df = (tf > 0).sum(axis=0)
    idf = np.log(1 + (N - df + 0.5) / (df + 0.5))
    denom = tf + k1 * (1 - b + b * dl[:, None] / avgdl)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(tf > 0, idf[None, :] * tf * (k1 + 1) / denom, 0.0)
    scores = []
    for q in queries:
        s = np.zeros(N)
        for t in q:
            if t in col:
                s += weight[:, col[t]]
        scores.append(s.tolist())
    out.append(scores)
print(json.dumps(out))
`;

function zipfWord(rng: Rng, vocabulary: number): string {
  // Zipf-like: small ids far more frequent, so some terms are in nearly every document.
  return `w${Math.floor(vocabulary ** rng.next()) - 1}`;
}

function randomCase(seed: number) {
  const rng = createRng(seed);
  const vocabulary = 5 + rng.int(60);
  const docs = Array.from({ length: 1 + rng.int(40) }, () =>
    Array.from({ length: rng.int(30) }, () => zipfWord(rng, vocabulary)),
  );
  if (docs.every((d) => d.length === 0)) docs.push(["w0"]);
  const queries = Array.from({ length: 5 }, () =>
    Array.from({ length: 1 + rng.int(6) }, () => zipfWord(rng, vocabulary + 5)),
  );
  queries.push(["w0", "w0", "w1"], ["absent"]);
  const k1 = [1.2, 0.9, 0, 2][seed % 4] as number;
  const b = [0.75, 0.4, 0, 1][(seed >> 2) % 4] as number;
  return { docs, queries, k1, b };
}

test("BM25 scores match an independent numpy implementation of the Lucene formula on 60 random corpora", () => {
  const cases = Array.from({ length: 60 }, (_, seed) => randomCase(seed + 1));
  const expected = runPython<number[][][]>(referenceScript, cases);
  cases.forEach((testCase, c) => {
    const index = new Bm25Index({ k1: testCase.k1, b: testCase.b });
    testCase.docs.forEach((doc, slot) => {
      index.add(slot, doc);
    });
    testCase.queries.forEach((query, q) => {
      const scores = index.scoreAll(query);
      const want = expected[c]?.[q] as number[];
      want.forEach((value, slot) => {
        assert.ok(
          Math.abs((scores[slot] as number) - value) <= 1e-5 * Math.max(1, Math.abs(value)),
          `case ${c} query ${q} doc ${slot}: ${scores[slot]} vs ${value}`,
        );
      });
      const top = index.search(query, 3);
      const ranked = want
        .map((score, slot) => ({ slot, score }))
        .filter((hit) => hit.score > 0)
        .sort((x, y) => y.score - x.score || x.slot - y.slot)
        .slice(0, 3);
      // Same top-3 scores as the reference ranking (exact ties may be ordered differently).
      assert.equal(top.length, ranked.length, `case ${c} query ${q}: hit count`);
      top.forEach((hit, i) => {
        assert.ok(Math.abs(hit.score - (ranked[i]?.score as number)) <= 1e-5 * Math.max(1, hit.score));
        assert.ok(Math.abs(hit.score - (want[hit.slot] as number)) <= 1e-5 * Math.max(1, hit.score));
      });
    });
  });
});

test("BM25 uses Lucene's idf and defaults (k1 = 1.2, b = 0.75)", () => {
  const index = new Bm25Index();
  assert.deepEqual(index.params, { k1: 1.2, b: 0.75 });
  index.add(0, ["a", "b"]);
  index.add(1, ["a"]);
  index.add(2, ["c"]);
  assert.equal(index.idf("a"), Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5)));
  assert.equal(index.idf("zzz"), Math.log(1 + (3 + 0.5) / 0.5));
});

test("adding and removing documents gives the same scores as building the smaller base from scratch", () => {
  const rng = createRng(7);
  const docs = Array.from({ length: 80 }, (_, i) => ({
    id: `d${i}`,
    text: Array.from({ length: 3 + rng.int(25) }, () => zipfWord(rng, 40)).join(" "),
    label: i % 3 === 0 ? "spam" : "ham",
    meta: {},
  }));
  const incremental = new KnowledgeBase();
  incremental.add(docs.slice(0, 50));
  incremental.remove(docs.slice(10, 30).map((d) => d.id));
  incremental.add(docs.slice(50));
  const kept = [...docs.slice(0, 10), ...docs.slice(30)];
  const scratch = new KnowledgeBase();
  scratch.add(kept);
  assert.equal(incremental.size, kept.length);
  assert.equal(incremental.bm25.averageLength, scratch.bm25.averageLength);
  for (let q = 0; q < 20; q++) {
    const query = Array.from({ length: 1 + rng.int(5) }, () => zipfWord(rng, 45)).join(" ");
    const a = incremental.searchBm25(query, 10);
    const b = scratch.searchBm25(query, 10);
    assert.equal(a.length, b.length);
    a.forEach((hit, i) => {
      assert.ok(Math.abs(hit.score - (b[i]?.score as number)) < 1e-5, `query ${q} rank ${i + 1}`);
    });
    assert.deepEqual(
      new Set(a.map((h) => h.document.id)),
      new Set(b.map((h) => h.document.id)),
      `query ${q}: same documents (order of exact ties may differ)`,
    );
  }
  assert.equal(
    incremental.searchBm25(docs[15]?.text as string, 80).some((h) => h.document.id === "d15"),
    false,
  );
});

test("top-k search (MaxScore-pruned) returns exactly the top k of exhaustive scoring on real e-mails", async () => {
  const spam = await loadDataset("spam-assassin");
  const rng = createRng(5);
  const rows = rng.shuffle([...spam.rows]);
  // Pruning at every size (by default a base this small is scored exhaustively for k > 2).
  const index = new Bm25Index(luceneBm25Params, 0);
  rows.slice(0, 2500).forEach((row, slot) => {
    index.add(slot, tokenize(row.text ?? ""));
  });
  for (const row of rows.slice(2500, 2560)) {
    const tokens = tokenize(row.text ?? "");
    for (const k of [1, 10, 100, 3000]) {
      const got = index.search(tokens, k);
      const all = index.scoreAll(tokens);
      const want = [...all]
        .map((score, slot) => ({ slot, score }))
        .filter((hit) => hit.score > 0)
        .sort((a, b) => b.score - a.score || a.slot - b.slot)
        .slice(0, k);
      // Same term order, same float32 sums: pruned search returns exactly the exhaustive top k.
      assert.deepEqual(got, want, `${row.id} k=${k}`);
      assert.equal(got.length, want.length);
      got.forEach((hit, i) => {
        const expected = want[i] as { slot: number; score: number };
        assert.ok(
          Math.abs(hit.score - expected.score) <= 1e-4 * Math.max(1, expected.score),
          `${row.id} rank ${i + 1}`,
        );
        assert.ok(Math.abs((all[hit.slot] as number) - hit.score) <= 1e-4 * Math.max(1, hit.score));
      });
    }
  }
});

test("pruned and exhaustive search return the same hits, scores and order on random corpora", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const rng = createRng(1000 + seed);
    const vocabulary = 20 + rng.int(300);
    const docs = Array.from({ length: 50 + rng.int(400) }, () =>
      Array.from({ length: rng.int(60) }, () => zipfWord(rng, vocabulary)),
    );
    const pruned = new Bm25Index(luceneBm25Params, 0);
    const exhaustive = new Bm25Index(luceneBm25Params, Number.POSITIVE_INFINITY);
    docs.forEach((doc, slot) => {
      pruned.add(slot, doc);
      exhaustive.add(slot, doc);
    });
    for (let q = 0; q < 20; q++) {
      const query = Array.from({ length: 1 + rng.int(40) }, () => zipfWord(rng, vocabulary + 10));
      for (const k of [1, 3, 10, 100]) {
        const want = exhaustive.search(query, k);
        assert.deepEqual(pruned.search(query, k), want, `seed ${seed} query ${q} k=${k}`);
        const all = exhaustive.scoreAll(query);
        assert.equal(want.length, Math.min(k, all.filter((score) => score > 0).length));
      }
    }
  }
});

test("documents added are indexed, in order, when the index is next read", () => {
  const index = new Bm25Index();
  index.add(0, ["a", "b"]);
  index.add(1, ["b", "c", "c"]);
  assert.equal(index.size, 2);
  assert.equal(index.averageLength, 2.5);
  index.add(2, ["c"]);
  assert.equal(index.documentFrequency("c"), 2);
  assert.deepEqual(
    index.search(["c"], 5).map((hit) => hit.slot),
    [2, 1],
  );
  index.remove(2, ["c"]);
  index.add(3, ["a"]);
  assert.equal(index.vocabularySize, 3);
  assert.deepEqual(
    index.search(["a"], 5).map((hit) => hit.slot),
    [3, 0],
  );
});
