import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accuracyScore,
  type Average,
  confusionMatrix,
  f1Score,
  fbetaScore,
  InputError,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  scoreClassification,
  type ZeroDivision,
} from "../../src/index.js";
import { createRng, type Rng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertAllClose, assertClose } from "./assert-close.js";

interface Case {
  yTrue: string[];
  yPred: string[];
  average: Average | null;
  posLabel?: string;
  labels?: string[];
  zeroDivision: ZeroDivision;
  beta: number;
}

const names = ["ham", "spam", "Dem", "Rep", "é-class", "z"];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/** Random label arrays with the edge cases the issue names: one class only, a class never predicted. */
function randomLabels(rng: Rng, index: number): { yTrue: string[]; yPred: string[]; classes: string[] } {
  const k = 1 + rng.int(index % 5 === 0 ? 2 : 5);
  const classes = rng.shuffle([...names]).slice(0, k);
  const n = 1 + rng.int(index % 7 === 0 ? 4 : 40);
  const yTrue = Array.from({ length: n }, () => pick(rng, classes));
  const kind = index % 4;
  const predClasses = kind === 1 && classes.length > 1 ? classes.slice(1) : classes; // a class never predicted
  const accuracy = rng.next();
  const yPred = yTrue.map((label) =>
    rng.next() < accuracy && predClasses.includes(label) ? label : pick(rng, predClasses),
  );
  if (kind === 2) yPred.fill(yTrue[0] as string); // one class predicted everywhere
  if (kind === 3 && index % 8 === 3) yTrue.fill(yTrue[0] as string); // one true class only
  return { yTrue, yPred, classes };
}

function randomCase(rng: Rng, index: number): Case {
  const { yTrue, yPred, classes } = randomLabels(rng, index);
  const average = pick(rng, ["binary", "macro", "micro", "weighted", null] as const);
  const zeroDivision = pick(rng, ["warn", 0, 1] as const);
  const beta = pick(rng, [1, 1, 0.5, 2]);
  const c: Case = { yTrue, yPred, average, zeroDivision, beta };
  if (average === "binary") c.posLabel = rng.next() < 0.9 ? pick(rng, classes) : "absent";
  else if (rng.next() < 0.3)
    c.labels = rng.shuffle([...classes, "never-seen"]).slice(0, 1 + rng.int(classes.length + 1));
  return c;
}

const prfScript = `
import json, sys, math, warnings
warnings.simplefilter("ignore")
from sklearn.metrics import precision_recall_fscore_support, fbeta_score, accuracy_score
def clean(x):
    if x is None: return None
    if hasattr(x, "tolist"): x = x.tolist()
    if isinstance(x, list): return [clean(v) for v in x]
    return "nan" if isinstance(x, float) and math.isnan(x) else float(x)
out = []
for c in json.load(sys.stdin):
    kw = dict(average=c["average"], zero_division=c["zeroDivision"], beta=c["beta"])
    if c.get("posLabel") is not None: kw["pos_label"] = c["posLabel"]
    if c.get("labels") is not None: kw["labels"] = c["labels"]
    try:
        p, r, f, s = precision_recall_fscore_support(c["yTrue"], c["yPred"], **kw)
        out.append({"p": clean(p), "r": clean(r), "f": clean(f), "s": clean(s), "acc": accuracy_score(c["yTrue"], c["yPred"])})
    except ValueError as e:
        out.append({"error": str(e), "acc": accuracy_score(c["yTrue"], c["yPred"])})
print(json.dumps(out))
`;

interface PrfReference {
  p?: number | number[];
  r?: number | number[];
  f?: number | number[];
  s?: number[] | null;
  acc: number;
  error?: string;
}

test("precision, recall, F-beta, support and accuracy match scikit-learn on 600 random cases", () => {
  const rng = createRng(20240601);
  const cases = Array.from({ length: 600 }, (_, i) => randomCase(rng, i));
  const expected = runPython<PrfReference[]>(prfScript, cases);
  let errors = 0;
  cases.forEach((c, i) => {
    const ref = expected[i] as PrfReference;
    const context = `case ${i} ${JSON.stringify(c)}`;
    assertClose(accuracyScore(c.yTrue, c.yPred), ref.acc, `${context} accuracy`);
    const options = {
      average: c.average,
      posLabel: c.posLabel,
      labels: c.labels,
      zeroDivision: c.zeroDivision,
      beta: c.beta,
    };
    if (ref.error !== undefined) {
      errors++;
      assert.throws(() => precisionRecallFscoreSupport(c.yTrue, c.yPred, options), InputError, context);
      return;
    }
    const result = precisionRecallFscoreSupport(c.yTrue, c.yPred, options);
    if ("labels" in result) {
      assertAllClose(result.precision, ref.p as number[], `${context} precision`);
      assertAllClose(result.recall, ref.r as number[], `${context} recall`);
      assertAllClose(result.fscore, ref.f as number[], `${context} fscore`);
      assert.deepEqual(result.support, ref.s, `${context} support`);
    } else {
      assertClose(result.precision, ref.p as number, `${context} precision`);
      assertClose(result.recall, ref.r as number, `${context} recall`);
      assertClose(result.fscore, ref.f as number, `${context} fscore`);
    }
  });
  // The edge cases really occur: sklearn rejected some binary cases (multiclass / unknown pos_label).
  assert.ok(errors > 10 && errors < 200, `sklearn errors in ${errors} cases`);
});

test("f1Score, precisionScore and recallScore match sklearn for every averaging mode and zero_division", () => {
  const rng = createRng(77);
  const cases: Case[] = [];
  for (let i = 0; i < 240; i++) {
    const { yTrue, yPred, classes } = randomLabels(rng, i);
    const average = (["binary", "macro", "micro", "weighted"] as const)[i % 4] as Average;
    const zeroDivision = (["warn", 0, 1] as const)[Math.floor(i / 4) % 3] as ZeroDivision;
    const binaryOk = new Set([...yTrue, ...yPred]).size <= 2;
    cases.push({
      yTrue,
      yPred,
      average: average === "binary" && !binaryOk ? "macro" : average,
      posLabel: average === "binary" && binaryOk ? pick(rng, classes) : undefined,
      zeroDivision,
      beta: 1,
    });
  }
  const expected = runPython<PrfReference[]>(prfScript, cases);
  cases.forEach((c, i) => {
    const ref = expected[i] as PrfReference;
    const context = `case ${i} ${JSON.stringify(c)}`;
    assert.equal(ref.error, undefined, context);
    const options = { average: c.average ?? undefined, posLabel: c.posLabel, zeroDivision: c.zeroDivision };
    assertClose(f1Score(c.yTrue, c.yPred, options), ref.f as number, `${context} f1`);
    assertClose(precisionScore(c.yTrue, c.yPred, options), ref.p as number, `${context} precision`);
    assertClose(recallScore(c.yTrue, c.yPred, options), ref.r as number, `${context} recall`);
  });
  const modes = new Set(cases.map((c) => `${c.average}/${c.zeroDivision}`));
  assert.ok(modes.size >= 12, `covered ${[...modes].join(", ")}`);
});

test('zeroDivision "nan" leaves undefined scores out of the averages (numpy reference)', () => {
  const rng = createRng(5);
  const cases = Array.from({ length: 240 }, (_, i) => {
    const { yTrue, yPred, classes } = randomLabels(rng, i);
    const average = (["macro", "micro", "weighted"] as const)[i % 3] as Average;
    return { yTrue, yPred, average, labels: [...classes, "never-seen"] };
  });
  const script = `
import json, sys, math
import numpy as np
def ref(c):
    labels = c["labels"]
    t = np.array(c["yTrue"]); p = np.array(c["yPred"])
    tp = np.array([np.sum((t == l) & (p == l)) for l in labels], float)
    ps = np.array([np.sum(p == l) for l in labels], float)
    ts = np.array([np.sum(t == l) for l in labels], float)
    if c["average"] == "micro": tp, ps, ts = tp.sum(keepdims=True), ps.sum(keepdims=True), ts.sum(keepdims=True)
    with np.errstate(all="ignore"):
        prec = np.where(ps > 0, tp / ps, np.nan); rec = np.where(ts > 0, tp / ts, np.nan)
        f = np.where(ts + ps > 0, 2 * tp / (ts + ps), np.nan)
    w = ts if c["average"] == "weighted" else np.ones_like(ts)
    def avg(x):
        m = ~np.isnan(x)
        return float(np.sum(x[m] * w[m]) / np.sum(w[m])) if np.sum(w[m]) > 0 else float("nan")
    return [avg(prec), avg(rec), avg(f)]
print(json.dumps([[("nan" if math.isnan(v) else v) for v in ref(c)] for c in json.load(sys.stdin)]))
`;
  const expected = runPython<(number | string)[][]>(script, cases);
  let nanSeen = 0;
  cases.forEach((c, i) => {
    const ref = expected[i] as (number | string)[];
    const r = precisionRecallFscoreSupport(c.yTrue, c.yPred, {
      average: c.average,
      labels: c.labels,
      zeroDivision: "nan",
    });
    const context = `case ${i} ${JSON.stringify(c)}`;
    if (ref.includes("nan")) nanSeen++;
    assertClose(r.precision, ref[0] ?? null, `${context} precision`);
    assertClose(r.recall, ref[1] ?? null, `${context} recall`);
    assertClose(r.fscore, ref[2] ?? null, `${context} fscore`);
  });
  const perClass = precisionRecallFscoreSupport(["a", "a"], ["a", "a"], {
    labels: ["a", "b"],
    zeroDivision: "nan",
  });
  assert.ok(
    Number.isNaN(perClass.precision[1]) &&
      Number.isNaN(perClass.recall[1]) &&
      Number.isNaN(perClass.fscore[1]),
  );
  // "never-seen" makes every case skip undefined per-class scores; a few averages are wholly undefined.
  assert.ok(nanSeen > 0, `wholly undefined averages seen in ${nanSeen} cases`);
});

test("confusionMatrix matches sklearn's confusion_matrix on 300 random cases, with and without labels", () => {
  const rng = createRng(99);
  const cases = Array.from({ length: 300 }, (_, i) => {
    const { yTrue, yPred, classes } = randomLabels(rng, i);
    const labels =
      i % 3 === 0 ? rng.shuffle([...classes, "never-seen"]).slice(0, 1 + rng.int(classes.length + 1)) : null;
    return { yTrue, yPred, labels };
  });
  const script = `
import json, sys
import numpy as np
from sklearn.metrics import confusion_matrix
from sklearn.utils.multiclass import unique_labels
out = []
for c in json.load(sys.stdin):
    try:
        m = confusion_matrix(c["yTrue"], c["yPred"], labels=c["labels"])
        labels = c["labels"] if c["labels"] is not None else unique_labels(c["yTrue"], c["yPred"]).tolist()
        out.append({"labels": labels, "matrix": m.tolist()})
    except ValueError as e:
        out.append({"error": str(e)})
print(json.dumps(out))
`;
  const expected = runPython<({ labels: string[]; matrix: number[][] } | { error: string })[]>(script, cases);
  let errors = 0;
  cases.forEach((c, i) => {
    const ref = expected[i];
    const context = `case ${i} ${JSON.stringify(c)}`;
    if (ref && "error" in ref) {
      errors++;
      assert.throws(() => confusionMatrix(c.yTrue, c.yPred, c.labels ?? undefined), InputError, context);
      return;
    }
    assert.deepEqual(confusionMatrix(c.yTrue, c.yPred, c.labels ?? undefined), ref, context);
  });
  assert.ok(errors > 0, "some label lists name no class of y_true, which sklearn rejects");
});

test("scoreClassification reports binary F1 of the positive class, macro F1 and accuracy like sklearn", () => {
  const rng = createRng(11);
  const cases = Array.from({ length: 240 }, (_, i) => {
    const { yTrue, yPred } = randomLabels(rng, i);
    const binary = i % 2 === 0;
    const labels = binary ? ["ham", "spam"] : ["ham", "spam", "Dem", "Rep"];
    const map = (l: string) => labels[names.indexOf(l) % labels.length] as string;
    return {
      yTrue: yTrue.map(map),
      yPred: yPred.map(map),
      labels,
      positiveLabel: binary ? "spam" : undefined,
    };
  });
  const script = `
import json, sys, warnings
warnings.simplefilter("ignore")
from sklearn.metrics import f1_score, accuracy_score
out = []
for c in json.load(sys.stdin):
    macro = f1_score(c["yTrue"], c["yPred"], average="macro", labels=c["labels"])
    f1 = f1_score(c["yTrue"], c["yPred"], average="binary", pos_label="spam") if c.get("positiveLabel") else macro
    out.append({"f1": f1, "f1_macro": macro, "accuracy": accuracy_score(c["yTrue"], c["yPred"])})
print(json.dumps(out))
`;
  const expected = runPython<{ f1: number; f1_macro: number; accuracy: number }[]>(script, cases);
  cases.forEach((c, i) => {
    const ref = expected[i] as { f1: number; f1_macro: number; accuracy: number };
    const got = scoreClassification(c.yTrue, c.yPred, { labels: c.labels, positiveLabel: c.positiveLabel });
    const context = `case ${i} ${JSON.stringify(c)}`;
    assertClose(got.f1, ref.f1, `${context} f1`);
    assertClose(got.f1_macro, ref.f1_macro, `${context} f1_macro`);
    assertClose(got.accuracy, ref.accuracy, `${context} accuracy`);
  });
});

test("classification metrics reject mismatched or empty inputs with InputError", () => {
  assert.throws(() => accuracyScore(["a"], ["a", "b"]), InputError);
  assert.throws(() => f1Score([], []), InputError);
  assert.throws(() => confusionMatrix(["a"], ["a", "a"]), InputError);
  assert.throws(
    () => f1Score(["a", "b", "c"], ["a", "b", "c"], { average: "binary", posLabel: "a" }),
    /binary/,
  );
  assert.throws(() => f1Score(["a", "b"], ["a", "b"], { average: "binary" }), /posLabel/);
  assert.throws(() => fbetaScore(["a"], ["a"], -1), InputError);
});
