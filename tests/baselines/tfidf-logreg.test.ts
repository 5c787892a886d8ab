import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import {
  fitLogisticRegression,
  fitRidgeRegression,
  fitTfidf,
  loadTfidfLogregModel,
  tfidfLogregArtifact,
  predictProbabilities,
  predictTfidfLogreg,
  predictRidge,
  type SparseRow,
  stackRows,
  tfidfLogregParams,
  tfidfLogregSystem,
  tfidfRow,
} from "../../src/baselines/index.js";
import { loadDataset, makeSplit } from "../../src/data/index.js";
import { scoreClassification, scoreRegression } from "../../src/metrics/index.js";
import { createRng, type Rng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { contextFor } from "../rag/context.js";

function randomSparse(rng: Rng, rows: number, cols: number, density: number): SparseRow[] {
  return Array.from({ length: rows }, () => {
    const indices: number[] = [];
    const values: number[] = [];
    for (let j = 0; j < cols; j++) {
      if (rng.next() < density) {
        indices.push(j);
        values.push(Math.round(rng.normal() * 1000) / 1000);
      }
    }
    return { indices: Int32Array.from(indices), values: Float64Array.from(values) };
  });
}

function dense(rows: SparseRow[], cols: number): number[][] {
  return rows.map((row) => {
    const out = new Array<number>(cols).fill(0);
    row.indices.forEach((j, p) => {
      out[j] = row.values[p] as number;
    });
    return out;
  });
}

test("multinomial logistic regression matches scikit-learn's LogisticRegression (newton-cg, tight tolerance) probabilities on random problems", () => {
  for (const [seed, C] of [
    [1, 1],
    [2, 10],
    [3, 0.1],
  ] as const) {
    const rng = createRng(seed);
    const cols = 12;
    const rows = randomSparse(rng, 150, cols, 0.4);
    const truth = Array.from({ length: 3 * cols }, () => rng.normal());
    const y = rows.map((row) => {
      const z = [0, 1, 2].map((k) =>
        row.indices.reduce((s, j, p) => s + (truth[k * cols + j] as number) * (row.values[p] as number), 0),
      );
      const noisy = z.map((v) => v + rng.normal());
      return noisy.indexOf(Math.max(...noisy));
    });
    const model = fitLogisticRegression(stackRows(rows, cols), Int32Array.from(y), 3, {
      C,
      maxIterations: 1000,
      tolerance: 1e-10,
    });
    const expected = runPython<number[][]>(
      `import json, sys, numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
m = LogisticRegression(C=d["C"], solver="newton-cg", multi_class="multinomial", tol=1e-10, max_iter=10000).fit(np.array(d["X"]), d["y"])
print(json.dumps(m.predict_proba(np.array(d["X"])).tolist()))`,
      { X: dense(rows, cols), y, C },
    );
    rows.forEach((row, i) => {
      const p = predictProbabilities(model, row);
      (expected[i] as number[]).forEach((want, k) => {
        assert.ok(
          Math.abs((p[k] as number) - want) < 1e-4,
          `seed ${seed} row ${i} class ${k}: ${p[k]} vs ${want}`,
        );
      });
    });
  }
});

test("ridge regression matches scikit-learn's Ridge coefficients and intercept", () => {
  const rng = createRng(5);
  const cols = 15;
  const rows = randomSparse(rng, 120, cols, 0.3);
  const y = rows.map(
    (row) => 1900 + row.indices.reduce((s, j, p) => s + j * (row.values[p] as number), 0) + rng.normal(),
  );
  const model = fitRidgeRegression(stackRows(rows, cols), Float64Array.from(y), {
    alpha: 0.5,
    maxIterations: 2000,
    tolerance: 1e-12,
  });
  const expected = runPython<{ coef: number[]; intercept: number }>(
    `import json, sys, numpy as np
from sklearn.linear_model import Ridge
d = json.load(sys.stdin)
m = Ridge(alpha=0.5).fit(np.array(d["X"]), d["y"])
print(json.dumps({"coef": m.coef_.tolist(), "intercept": float(m.intercept_)}))`,
    { X: dense(rows, cols), y },
  );
  expected.coef.forEach((want, j) => {
    assert.ok(
      Math.abs((model.weights[j] as number) - want) < 1e-4,
      `coef ${j}: ${model.weights[j]} vs ${want}`,
    );
  });
  assert.ok(Math.abs(model.intercept - expected.intercept) < 1e-4);
  assert.ok(Math.abs(predictRidge(model, rows[0] as SparseRow) - (y[0] as number)) < 10);
});

test("TF-IDF rows match scikit-learn's TfidfVectorizer(sublinear_tf=True) with the same tokens", () => {
  const texts = [
    "Cheap cheap pills, buy NOW now now",
    "meeting at noon; the project's review",
    "",
    "win win win money money",
    "the project deadline: noon friday",
    "unique words only here 123",
  ];
  const vectorizer = fitTfidf(texts, { maxFeatures: 1000, minDf: 1, sublinearTf: true });
  const expected = runPython<{ vocabulary: Record<string, number>; rows: number[][] }>(
    `import json, sys
from sklearn.feature_extraction.text import TfidfVectorizer
texts = json.load(sys.stdin)
v = TfidfVectorizer(sublinear_tf=True, token_pattern=r"[a-z0-9']+", lowercase=True)
X = v.fit_transform(texts).toarray()
print(json.dumps({"vocabulary": {k: int(i) for k, i in v.vocabulary_.items()}, "rows": X.tolist()}))`,
    texts,
  );
  assert.deepEqual(Object.fromEntries(vectorizer.vocabulary), expected.vocabulary);
  texts.forEach((text, i) => {
    const row = dense([tfidfRow(vectorizer, text)], vectorizer.vocabulary.size)[0] as number[];
    row.forEach((value, j) => {
      assert.ok(Math.abs(value - (expected.rows[i]?.[j] as number)) < 1e-12, `row ${i} col ${j}`);
    });
  });
  // "project's" and "project" are different tokens, so only "noon" and "the" are in two documents.
  const frequent = fitTfidf(texts, { maxFeatures: 1000, minDf: 2, sublinearTf: true });
  assert.deepEqual([...frequent.vocabulary.keys()], ["noon", "the"]);
  const capped = fitTfidf(texts, { maxFeatures: 1, minDf: 1, sublinearTf: true });
  assert.deepEqual([...capped.vocabulary.keys()], ["noon"]);
});

/**
 * Runs the system into the context's artifact folder, loads the model it saved, checks that the same
 * model saved as plain JSON (how runs before the gzip encoding saved it) loads equal, and removes the folder.
 */
async function fitAndLoad(context: Parameters<typeof tfidfLogregSystem.run>[0]) {
  try {
    const output = await tfidfLogregSystem.run(context);
    const model = loadTfidfLogregModel(context.artifactDir);
    const packed = join(context.artifactDir, tfidfLogregArtifact);
    assert.equal(tfidfLogregArtifact, "tfidf-logreg.json.gz");
    writeFileSync(join(context.artifactDir, "tfidf-logreg.json"), gunzipSync(readFileSync(packed)));
    rmSync(packed);
    assert.deepEqual(loadTfidfLogregModel(context.artifactDir), model);
    return { output, model };
  } finally {
    rmSync(context.artifactDir, { recursive: true, force: true });
  }
}

test("TF-IDF + logistic regression on spam-assassin (stratified 70/15/15, seed 1): test F1 >= 0.97", async () => {
  const spam = await loadDataset("spam-assassin");
  const split = makeSplit(spam, { strategy: "stratified", seed: 1 });
  const params = tfidfLogregParams.parse({});
  assert.deepEqual(params, {
    maxFeatures: 50000,
    minDf: 1,
    sublinearTf: true,
    C: 10,
    alpha: 1,
    maxIterations: 300,
  });
  const { output, model } = await fitAndLoad(
    contextFor(spam, split, params, mkdtempSync(join(tmpdir(), "expbook-tfidf-"))),
  );
  // The saved model predicts exactly what the run predicted (labels and every probability).
  assert.deepEqual(
    split.test.map((example) => predictTfidfLogreg(model, example)),
    output.testPredictions,
  );
  const score = scoreClassification(
    split.test.map((row) => row.label as string),
    output.testPredictions.map((p) => p.label as string),
    { labels: spam.labels, positiveLabel: "spam" },
  );
  assert.ok(score.f1 >= 0.97, `test F1 ${score.f1}`);
  assert.equal(output.summary?.converged, true);
  for (const p of output.testPredictions) {
    const total = Object.values(p.scores ?? {}).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
  }
});

test("TF-IDF ridge regression predicts State of the Union years better than the training mean", async () => {
  const sotu = await loadDataset("sotu");
  const split = makeSplit(sotu, { strategy: "random", seed: 1 });
  const { output, model } = await fitAndLoad(
    contextFor(sotu, split, tfidfLogregParams.parse({}), mkdtempSync(join(tmpdir(), "expbook-tfidf-"))),
  );
  assert.deepEqual(
    split.test.map((example) => predictTfidfLogreg(model, example)),
    output.testPredictions,
  );
  const truth = split.test.map((row) => row.target as number);
  const mean = split.train.reduce((s, row) => s + (row.target as number), 0) / split.train.length;
  const ridge = scoreRegression(
    truth,
    output.testPredictions.map((p) => p.value as number),
  );
  const baseline = scoreRegression(
    truth,
    truth.map(() => mean),
  );
  assert.ok(ridge.mae < baseline.mae / 2, `ridge MAE ${ridge.mae} vs mean ${baseline.mae}`);
});
