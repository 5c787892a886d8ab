import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openTracker } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { runPython } from "../helpers/sklearn.js";
import { assertClose } from "../metrics/assert-close.js";

function classificationCsv(n: number): { csv: string; yTrue: string[]; yPred: string[] } {
  const rng = createRng(8);
  const yTrue = Array.from({ length: n }, () => (rng.next() < 0.35 ? "spam" : "ham"));
  const yPred = yTrue.map((y) => (rng.next() < 0.8 ? y : y === "spam" ? "ham" : "spam"));
  const lines = yTrue.map((y, i) => `e${i},${y},${yPred[i]},${i % 3 === 0 ? "old" : "new"}`);
  return { csv: `id,y_true,y_pred,slice\n${lines.join("\n")}\n`, yTrue, yPred };
}

test("expbook eval scores a classification CSV like sklearn, with CIs and slices, and --log records a run", async () => {
  const dir = tempDir();
  try {
    const { csv, yTrue, yPred } = classificationCsv(120);
    const file = join(dir.path, "llm-preds.csv");
    writeFileSync(file, csv);
    const store = join(dir.path, "store");
    const result = await runCli([
      "eval",
      file,
      "--task",
      "classification",
      "--positive",
      "spam",
      "--json",
      "--log",
      "--experiment",
      "llm",
      "--store",
      store,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    const ref = runPython<Record<string, number>>(
      `
import json, sys
from sklearn.metrics import f1_score, accuracy_score, precision_score, recall_score
d = json.load(sys.stdin); t, p = d["t"], d["p"]
print(json.dumps({"f1": f1_score(t, p, pos_label="spam"), "f1_macro": f1_score(t, p, average="macro"),
  "accuracy": accuracy_score(t, p), "precision": precision_score(t, p, pos_label="spam"), "recall": recall_score(t, p, pos_label="spam")}))
`,
      { t: yTrue, p: yPred },
    );
    assert.equal(report.n, 120);
    assert.equal(report.average, "binary");
    for (const name of ["f1", "f1_macro", "accuracy", "precision", "recall"]) {
      assertClose(report.metrics[name], ref[name] ?? null, name);
    }
    for (const name of ["f1", "accuracy"]) {
      assert.ok(report.ci[name].low <= report.metrics[name] && report.metrics[name] <= report.ci[name].high);
    }
    assert.deepEqual(
      report.slices
        .filter((s: { metric: string }) => s.metric === "accuracy")
        .map((s: { slice: string; n: number }) => [s.slice, s.n]),
      [
        ["new", 80],
        ["old", 40],
      ],
    );
    assert.match(result.stderr, /logged run/);
    const tracker = await openTracker({ dir: store });
    const [run] = await tracker.runs();
    assert.equal(run?.id, report.runId);
    assert.equal(run?.experiment, "llm");
    assert.equal(run?.name, "llm-preds");
    assert.equal(run?.status, "finished");
    assert.equal(run?.summary.test_f1, report.metrics.f1);
    assert.equal(run?.summary.test_accuracy, report.metrics.accuracy);
    assert.equal(run?.summary.n_test, 120);
    const lines = (await tracker.readArtifact(report.runId, "predictions.jsonl")).trim().split("\n");
    assert.equal(lines.length, 120);
    assert.deepEqual(JSON.parse(lines[0] as string), {
      split: "test",
      id: "e0",
      y_true: yTrue[0],
      y_pred: yPred[0],
      meta: { slice: "old" },
    });
    await tracker.close();
  } finally {
    dir.cleanup();
  }
});

test("expbook eval scores a regression CSV (MAE, RMSE, R², MedAE, MAPE) and prints a readable table", async () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "years.csv");
    const rows = [
      [1800, 1810],
      [1900, 1880],
      [2000, 2001],
      [1950, 1990],
    ];
    writeFileSync(file, `y_true,y_pred\n${rows.map((r) => r.join(",")).join("\n")}\n`);
    const [json, text] = await Promise.all([
      runCli(["eval", file, "--task", "regression", "--json"]),
      runCli(["eval", file, "--task", "regression"]),
    ]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.metrics.mae, (10 + 20 + 1 + 40) / 4);
    assert.equal(report.metrics.medae, 15);
    assertClose(report.metrics.rmse, Math.sqrt((100 + 400 + 1 + 1600) / 4), "rmse");
    assert.equal(report.slices, undefined);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /mae\s+17\.7500\s+\[/);
  } finally {
    dir.cleanup();
  }
});

test("expbook eval rejects malformed files and flags with a one-line error and exit code 2", async () => {
  const dir = tempDir();
  try {
    const write = (name: string, text: string) => {
      const path = join(dir.path, name);
      writeFileSync(path, text);
      return path;
    };
    const good = write("good.csv", "y_true,y_pred\na,b\nb,b\n");
    const cases: [string[], RegExp][] = [
      [
        ["eval", join(dir.path, "missing.csv"), "--task", "classification"],
        /cannot read predictions file .*missing\.csv/,
      ],
      [["eval", write("empty.csv", ""), "--task", "classification"], /is empty/],
      [["eval", write("header.csv", "y_true,y_pred\n"), "--task", "regression"], /no rows/],
      [["eval", write("nocol.csv", "y_true,prediction\n1,2\n"), "--task", "regression"], /no y_pred column/],
      [
        ["eval", write("text.csv", "y_true,y_pred\n1,2\n3,abc\n"), "--task", "regression"],
        /row 2: y_pred "abc" is not a number/,
      ],
      [["eval", write("ragged.csv", "y_true,y_pred\n1,2,3\n"), "--task", "regression"], /row 1/],
      [["eval", good, "--task", "ranking"], /--task must be classification or regression/],
      [["eval", good, "--task", "classification", "--positive", "spam"], /--positive "spam" is not a class/],
      [["eval", good, "--task", "classification", "--log"], /--log needs --experiment/],
    ];
    const results = await Promise.all(
      cases.map(([args]) => runCli([...args, "--store", join(dir.path, "store")])),
    );
    results.forEach((result, i) => {
      const [args, pattern] = cases[i] as [string[], RegExp];
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.equal(result.stdout, "", args.join(" "));
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] as string, /^expbook: /);
      assert.match(lines[0] as string, pattern);
    });
  } finally {
    dir.cleanup();
  }
});
