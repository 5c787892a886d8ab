import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  formatPredictionRows,
  openTracker,
  type PredictionRowInput,
  predictionsArtifact,
  RecordError,
  readPredictionRows,
  writePredictionRows,
} from "../../../src/index.js";
import { runCli, tempDir } from "../../helpers/cli.js";

const classification: PredictionRowInput[] = [
  {
    split: "test",
    id: "msg-1",
    y_true: "spam",
    y_pred: "ham",
    scores: { spam: 0.4, ham: 0.6 },
    citations: [{ id: "doc-9", score: 7.5, label: "ham", snippet: "Meeting notes" }],
    meta: { era: "2002", length: 12 },
  },
  { split: "val", id: 7, y_true: "ham", y_pred: "ham" },
];

test("prediction rows round-trip through the writer and reader (classification and regression)", () => {
  const rows = readPredictionRows(formatPredictionRows(classification, "rows"), "rows", {
    task: "classification",
  });
  assert.deepEqual(rows, [
    { ...classification[0], citations: [{ ...classification[0]?.citations?.[0] }] },
    // A numeric id reads as a string; a row without meta reads with an empty one.
    { split: "val", id: "7", y_true: "ham", y_pred: "ham", meta: {} },
  ]);
  const regression = readPredictionRows(
    '{"split":"test","id":"a","y_true":2.5,"y_pred":3,"meta":{}}\n\n{"split":"test","id":"b","y_true":-1,"y_pred":0}\n',
    "reg.jsonl",
    { task: "regression" },
  );
  assert.deepEqual(
    regression.map((row) => [row.id, row.y_true, row.y_pred]),
    [
      ["a", 2.5, 3],
      ["b", -1, 0],
    ],
  );
});

test("a malformed row is a RecordError naming the file, the line and the field", () => {
  const good = JSON.stringify({ split: "test", id: "1", y_true: "spam", y_pred: "spam" });
  const cases: [string, RegExp][] = [
    [
      JSON.stringify({ split: "test", id: "2", y_true: "spam" }),
      /^p\.jsonl, line 3: field "y_pred" is missing;/,
    ],
    [
      JSON.stringify({ split: "train", id: "2", y_true: "a", y_pred: "a" }),
      /^p\.jsonl, line 3: field "split"/,
    ],
    [JSON.stringify({ split: "test", id: "", y_true: "a", y_pred: "a" }), /line 3: field "id"/],
    [
      JSON.stringify({ split: "test", id: "2", y_true: "a", y_pred: "a", citations: [{ id: "d" }] }),
      /line 3: field "citations\.0\.score"/,
    ],
    [
      JSON.stringify({ split: "test", id: "2", y_true: "a", y_pred: 3 }),
      /line 3: field "y_pred" is 3; classification/,
    ],
    ['{"split": "test", "id": ', /^p\.jsonl, line 3: not a JSON object/],
  ];
  for (const [bad, message] of cases) {
    // Line 2 is blank: lines are counted in the file, not among the rows.
    const text = `${good}\n\n${bad}\n${good}\n`;
    assert.throws(
      () => readPredictionRows(text, "p.jsonl", { task: "classification" }),
      (error: unknown) =>
        error instanceof RecordError && message.test(error.message) && !error.message.includes("\n"),
      bad,
    );
  }
  assert.throws(
    () =>
      readPredictionRows('{"split":"test","id":"1","y_true":"4","y_pred":4}', "r.jsonl", {
        task: "regression",
      }),
    /r\.jsonl, line 1: field "y_true" is "4"; regression rows hold numbers/,
  );
});

test("the writer refuses a malformed row before anything is written, so the run never finishes", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const run = await tracker.startRun({ experiment: "hand", name: "bad rows" });
    await assert.rejects(
      writePredictionRows(run, [
        { split: "test", id: "1", y_true: "spam", y_pred: "spam" },
        { split: "test", id: "2", y_true: "spam", y_pred: Number.NaN },
      ]),
      (error: unknown) =>
        error instanceof RecordError &&
        /run .+ predictions\.jsonl, line 2: field "y_pred"/.test(error.message),
    );
    await run.fail(new Error("bad rows"));
    const [record] = await tracker.runs({ experiment: "hand" });
    assert.equal(record?.status, "failed");
    assert.ok(!(await tracker.run(run.id)).artifacts.includes(predictionsArtifact));
    await tracker.close();
  } finally {
    store.cleanup();
  }
});

test("CLI: eval --log of a malformed prediction-row file prints one line (file, line, field), exits non-zero, logs no run", async () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "preds.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify({ split: "test", id: "1", y_true: "spam", y_pred: "spam" })}\n${JSON.stringify({ split: "test", id: "2", y_true: "ham" })}\n`,
    );
    const store = join(dir.path, "store");
    const result = await runCli([
      "eval",
      file,
      "--task",
      "classification",
      "--log",
      "--experiment",
      "outside",
      "--store",
      store,
    ]);
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0] ?? "",
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, line 2: field "y_pred" is missing`),
    );
    let runs: string[] = [];
    try {
      runs = readdirSync(join(store, "runs"));
    } catch {
      // no run folder at all
    }
    assert.deepEqual(runs, []);
  } finally {
    dir.cleanup();
  }
});

test("CLI: a report over a run with a malformed prediction row stops with one line naming the file, line and field", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const run = await tracker.startRun({
      experiment: "hand-bad",
      name: "typo",
      tags: { system: "my-model", stage: "final" },
      seed: 1,
    });
    // Written raw, as a script outside expbook might: line 2 has y_pred misspelt.
    await run.artifact(
      predictionsArtifact,
      '{"split":"test","id":"1","y_true":"spam","y_pred":"spam"}\n{"split":"test","id":"2","y_true":"ham","ypred":"ham"}\n',
    );
    run.summary({ test_f1: 1 });
    await run.finish();
    await tracker.close();
    const path = await tracker.artifactFile(run.id, predictionsArtifact);
    const result = await runCli(["report", "--experiment", "hand-bad", "--store", store.path]);
    assert.equal(result.code, 2, result.stderr);
    // Progress lines ("building the report ...") come first; the error is one line, the last.
    const lines = result.stderr.trim().split("\n");
    assert.ok(lines.at(-1)?.includes(`${path}, line 2: field "y_pred" is missing`), result.stderr);
    assert.equal(lines.filter((line) => line.includes("line 2")).length, 1, result.stderr);
    assert.ok(!/\n\s+at /.test(result.stderr), "no stack trace");
  } finally {
    store.cleanup();
  }
});
