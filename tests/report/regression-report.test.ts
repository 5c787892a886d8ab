import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { meanAbsoluteError, medianAbsoluteError } from "../../src/metrics/index.js";
import {
  buildReport,
  type ReportModel,
  renderHtml,
  renderMarkdown,
  roundTo,
} from "../../src/report/index.js";
import { openTracker, type Tracker } from "../../src/tracker/index.js";
import { tempDir } from "../helpers/cli.js";
import {
  hostileId,
  regressionExperiment,
  regressionRagName,
  regressionSystems,
  writeRegressionStudy,
} from "./synthetic-regression-study.js";

const store = tempDir("expbook-report-regression-");
let tracker: Tracker;
let model: ReportModel;

interface Line {
  split: string;
  id: string;
  y_true: number;
  y_pred: number;
}

/** A system's test predictions as the runs recorded them, pooled over seeds, read straight from the store. */
async function recorded(system: string): Promise<(Line & { seed: number | null })[]> {
  const runs = (await tracker.runs({ experiment: regressionExperiment })).filter(
    (run) => run.tags.stage === "final" && run.tags.system === system,
  );
  assert.equal(runs.length, 3);
  const lines: (Line & { seed: number | null })[] = [];
  for (const run of runs) {
    for (const text of (await tracker.readArtifact(run.id, "predictions.jsonl")).trim().split("\n")) {
      const line = JSON.parse(text) as Line;
      if (line.split === "test") lines.push({ ...line, seed: run.seed });
    }
  }
  return lines;
}

before(async () => {
  await writeRegressionStudy(store.path);
  tracker = await openTracker({ dir: store.path });
  model = await buildReport(tracker, regressionExperiment, { now: new Date("2026-01-02T03:04:05Z") });
});
after(() => store.cleanup());

test("a regression study gets a predicted-vs-actual and an absolute-error figure, after the others", () => {
  assert.equal(model.metric, "test_mae");
  assert.equal(model.higherIsBetter, false);
  assert.deepEqual(
    model.figures.map((f) => f.id),
    ["metric-bars", "forest", "slice-party", "predicted-vs-actual", "absolute-errors"],
  );
  assert.deepEqual(
    model.results.map((row) => row.system),
    [regressionRagName, "finetune-glove", "train-mean"],
    "best (lowest MAE) first",
  );
});

test("the error table's MAE, median error, bias and largest miss match the metrics module on the recorded predictions", async () => {
  assert.deepEqual(
    model.predictionErrors.map((row) => row.system),
    model.results.map((row) => row.system),
  );
  for (const row of model.predictionErrors) {
    const lines = await recorded(row.system);
    const truth = lines.map((l) => l.y_true);
    const predicted = lines.map((l) => l.y_pred);
    assert.equal(row.n, lines.length);
    assert.ok(row.n > 500, "pooled over 3 seeds");
    assert.equal(row.mae, meanAbsoluteError(truth, predicted));
    assert.equal(row.medianAbsoluteError, medianAbsoluteError(truth, predicted));
    const residuals = lines.map((l) => l.y_pred - l.y_true);
    assert.ok(Math.abs(row.meanResidual - residuals.reduce((a, b) => a + b, 0) / row.n) < 1e-9);
    const largest = Math.max(...residuals.map(Math.abs));
    assert.ok(row.worst);
    assert.equal(Math.abs(row.worst.predicted - row.worst.actual), largest);
    assert.ok(lines.some((l) => l.id === row.worst?.id && l.seed === row.worst.seed));
  }
});

test("the predicted-vs-actual figure draws each system's pooled test predictions, capped, with ids and MAE", async () => {
  const figure = model.figures.find((f) => f.id === "predicted-vs-actual");
  assert.ok(figure);
  const data = figure.spec.data;
  assert.equal(data.length, 2 * regressionSystems.length);
  const titles = (figure.spec.layout.annotations as { text: string }[]).map((a) => a.text);
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const [i, row] of model.results.entries()) {
    const lines = await recorded(row.system);
    for (const l of lines) {
      low = Math.min(low, l.y_true, l.y_pred);
      high = Math.max(high, l.y_true, l.y_pred);
    }
    const scatter = data[2 * i];
    assert.ok(scatter);
    assert.equal(scatter.name, row.system);
    // 1500 points over 3 systems: 500 each, and each system pooled more than that.
    assert.equal((scatter.x as number[]).length, 500);
    const text = scatter.text as string[];
    assert.equal(text.length, 500);
    const ids = new Set(lines.map((l) => `${l.id.replace(/[<>&]/g, " ")} (seed ${l.seed})`));
    for (const label of text) assert.ok(ids.has(label), `hover text ${label}`);
    const worst = model.predictionErrors[i]?.worst;
    assert.ok(worst);
    assert.ok(
      text.includes(`${worst.id.replace(/[<>&]/g, " ")} (seed ${worst.seed})`),
      "the largest miss is drawn",
    );
    const mae = meanAbsoluteError(
      lines.map((l) => l.y_true),
      lines.map((l) => l.y_pred),
    );
    assert.equal(titles[i], `${row.system} · MAE ${roundTo(mae)}`);
  }
  for (const i of [1, 3, 5]) {
    assert.deepEqual(data[i]?.x, [roundTo(low, 6), roundTo(high, 6)], "y = x over the whole extent");
    assert.deepEqual(data[i]?.y, data[i]?.x);
  }
  assert.match(figure.caption, /show 500: the 50 largest errors/);
});

test("the absolute-error figure marks each system's MAE and names its outliers", async () => {
  const figure = model.figures.find((f) => f.id === "absolute-errors");
  assert.ok(figure);
  const mae = figure.spec.data.at(-1);
  assert.deepEqual(
    mae?.x,
    model.results.map((row) => row.system),
  );
  assert.deepEqual(
    mae?.y,
    model.predictionErrors.map((row) => roundTo(row.mae)),
  );
  const outliers = figure.spec.data.find((t) => t.name === `${regressionRagName} outliers`);
  const rag = await recorded(regressionRagName);
  const misses = rag.filter((l) => Math.abs(l.y_pred - l.y_true) > 50);
  assert.ok(misses.length > 5, "the RAG system has some large misses");
  assert.deepEqual(
    new Set(outliers?.text as string[]),
    new Set(misses.map((l) => `${l.id.replace(/[<>&]/g, " ")} (seed ${l.seed})`)),
    "its large misses are the outliers",
  );
});

test("the Markdown and HTML reports carry the error table, escaped", () => {
  const md = renderMarkdown(model);
  assert.match(md, /### Test errors/);
  assert.match(
    md,
    /\| system \| test predictions \| MAE \| median \\\|error\\\| \| mean residual \| largest error \|/,
  );
  for (const row of model.predictionErrors) {
    const cells = `| ${row.system.replace(/</g, "&lt;").replace(/>/g, "&gt;")} | ${row.n} | ${row.mae.toFixed(3)} |`;
    assert.ok(md.includes(cells), cells);
  }
  assert.match(md, /- Predicted vs actual: /);
  assert.ok(!md.includes("<img"));
  const html = renderHtml(model);
  assert.match(html, /<figure id="figure-predicted-vs-actual">/);
  assert.match(html, /<figure id="figure-absolute-errors">/);
  assert.match(html, /<h3>Test errors<\/h3>/);
  assert.ok(!html.includes(hostileId), "the hostile id is never raw HTML");
});
