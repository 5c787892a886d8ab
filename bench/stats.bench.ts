// Metrics and paired statistics: how long scoring and a full paired comparison take at test-set sizes.
// Peer: scikit-learn's f1_score / mean_absolute_error (Debian's python3), timed in the same run.
import { spawnSync } from "node:child_process";
import { bootstrapCI, comparePaired, createRng, f1Score, meanAbsoluteError } from "../src/index.js";

function timeIt(fn: () => unknown, minMs = 300, warmup = 20): number {
  for (let i = 0; i < warmup; i++) fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}

const rng = createRng(1);
const n = 10_000;
const classes = ["a", "b", "c", "d"];
const yTrue = Array.from({ length: n }, () => classes[rng.int(4)] as string);
const yPred = yTrue.map((y) => (rng.next() < 0.7 ? y : (classes[rng.int(4)] as string)));
const tTrue = Array.from({ length: n }, () => rng.normal());
const tPred = tTrue.map((y) => y + rng.normal());

const maeMs = timeIt(() => meanAbsoluteError(tTrue, tPred));
const f1Ms = timeIt(() => f1Score(yTrue, yPred, { average: "macro" }));
const peer = spawnSync(
  "/usr/bin/python3",
  [
    "-c",
    `import json, sys, timeit
from sklearn.metrics import f1_score, mean_absolute_error
d = json.load(sys.stdin)
f = timeit.Timer(lambda: f1_score(d["yt"], d["yp"], average="macro"))
m = timeit.Timer(lambda: mean_absolute_error(d["tt"], d["tp"]))
fn, ft = f.autorange(); mn, mt = m.autorange()
print(json.dumps({"f1": ft / fn * 1000, "mae": mt / mn * 1000}))`,
  ],
  { input: JSON.stringify({ yt: yTrue, yp: yPred, tt: tTrue, tp: tPred }), encoding: "utf8" },
);
const sk = peer.status === 0 ? (JSON.parse(peer.stdout) as { f1: number; mae: number }) : undefined;
const ratio = (ours: number, theirs?: number) =>
  theirs
    ? ` (sklearn ${theirs.toFixed(2)} ms; sklearn/expbook time ratio ${(theirs / ours).toFixed(1)})`
    : " (sklearn unavailable)";
console.log(`f1Score macro, ${n} examples: ${f1Ms.toFixed(2)} ms${ratio(f1Ms, sk?.f1)}`);
console.log(`meanAbsoluteError, ${n} examples: ${maeMs.toFixed(2)} ms${ratio(maeMs, sk?.mae)}`);

const m = 1000;
const small = {
  yTrue: yTrue.slice(0, m),
  predA: yPred.slice(0, m),
  predB: yTrue.slice(0, m).map((y) => (rng.next() < 0.65 ? y : "a")),
};
const ciMs = timeIt(
  () =>
    bootstrapCI({ yTrue: small.yTrue, yPred: small.predA }, (t, p) => f1Score(t, p, { average: "macro" }), {
      seed: 1,
    }),
  1,
  1,
);
console.log(`bootstrapCI of macro F1, ${m} examples x 1000 resamples: ${ciMs.toFixed(0)} ms`);
const cmpMs = timeIt(
  () => comparePaired({ ...small, task: "classification", labels: classes, seed: 1 }),
  1,
  1,
);
console.log(
  `comparePaired (classification, ${m} examples, 1000 bootstrap + 1000 permutations): ${cmpMs.toFixed(0)} ms`,
);
const reg = {
  yTrue: tTrue.slice(0, m),
  predA: tPred.slice(0, m),
  predB: tTrue.slice(0, m).map((y) => y + 2 * rng.normal()),
};
const regMs = timeIt(() => comparePaired({ ...reg, task: "regression", seed: 1 }), 1, 1);
console.log(`comparePaired (regression MAE, ${m} examples): ${regMs.toFixed(0)} ms`);
