import assert from "node:assert/strict";
import { test } from "node:test";
import {
  confusionMatrixFigure,
  downsampleSeries,
  type FigureSpec,
  forestPlotFigure,
  formatP,
  freshnessFigure,
  learningCurveFigure,
  lossCurvesFigure,
  metricBarsFigure,
  parallelCoordinatesFigure,
  sliceMetricsFigure,
} from "../../src/report/index.js";
import { confusionMatrix } from "../../src/metrics/index.js";
import { createRng } from "../../src/util/random.js";

function trace(spec: FigureSpec, index = 0): Record<string, unknown> {
  const found = spec.data[index];
  assert.ok(found, `trace ${index} exists`);
  return found as Record<string, unknown>;
}

test("downsampleSeries keeps the first and last points and at most maxPoints, on many random lengths", () => {
  const rng = createRng(3);
  for (let k = 0; k < 200; k++) {
    const length = rng.int(1000);
    const max = 2 + rng.int(300);
    const points = Array.from({ length }, (_, i) => ({ step: i + 1, value: rng.next() }));
    const kept = downsampleSeries(points, max);
    assert.ok(kept.length <= Math.max(max, 0) || length <= max, `length ${kept.length} <= ${max}`);
    assert.equal(kept.length, Math.min(length, max));
    if (length > 0) {
      assert.deepEqual(kept[0], points[0]);
      assert.deepEqual(kept.at(-1), points.at(-1));
    }
    for (let i = 1; i < kept.length; i++)
      assert.ok((kept[i]?.step ?? 0) > (kept[i - 1]?.step ?? 0), "steps increase");
  }
});

test("metric bars carry asymmetric 95% CI error bars equal to high − mean and mean − low", () => {
  const spec = metricBarsFigure(
    [
      { system: "finetune", estimate: { mean: 0.9, low: 0.85, high: 0.93, n: 3 } },
      { system: "rag", estimate: { mean: 0.8, low: 0.7, high: 0.82, n: 3 } },
    ],
    "test_f1",
  );
  const bars = trace(spec);
  assert.deepEqual(bars.x, ["finetune", "rag"]);
  assert.deepEqual(bars.y, [0.9, 0.8]);
  const error = bars.error_y as { array: number[]; arrayminus: number[] };
  assert.deepEqual(error.array, [0.03, 0.02]);
  assert.deepEqual(error.arrayminus, [0.05, 0.1]);
});

test("forest plot shows each difference with its CI, a zero line, and Holm p in the labels", () => {
  const spec = forestPlotFigure(
    [
      { system: "rag", difference: -0.03, low: -0.06, high: -0.001, pAdjusted: 0.046 },
      { system: "majority", difference: -0.5, low: -0.55, high: -0.45, pAdjusted: 0.0004 },
    ],
    "finetune",
    "test_f1",
  );
  const points = trace(spec);
  assert.deepEqual(points.x, [-0.03, -0.5]);
  assert.deepEqual(points.y, ["rag (p=0.0460)", "majority (p=< 0.001)"]);
  const error = points.error_x as { array: number[]; arrayminus: number[] };
  assert.deepEqual(error.array, [0.029, 0.05]);
  assert.deepEqual(error.arrayminus, [0.03, 0.05]);
  const shapes = spec.layout.shapes as { x0: number; x1: number }[];
  assert.equal(shapes[0]?.x0, 0);
  assert.equal(formatP(0.00099), "< 0.001");
  assert.equal(formatP(0.5), "0.500");
});

test("loss curves draw train solid and validation dashed per run, one colour per system", () => {
  const points = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, value: 1 / (i + 1) }));
  const spec = lossCurvesFigure(
    [
      { label: "ft seed 1", system: "ft", loss: points(500), valLoss: points(500) },
      { label: "ft seed 2", system: "ft", loss: points(10), valLoss: [] },
      { label: "frozen seed 1", system: "frozen", loss: points(10), valLoss: points(10) },
    ],
    { maxPoints: 100 },
  );
  assert.equal(spec.data.length, 5);
  const [train, val, , other] = spec.data as { line: { dash: string; color: string }; x: number[] }[];
  assert.equal(train?.line.dash, "solid");
  assert.equal(val?.line.dash, "dash");
  assert.equal(train?.x.length, 100);
  assert.equal(train?.line.color, val?.line.color);
  assert.notEqual(other?.line.color, train?.line.color);
  assert.deepEqual(
    spec.data.filter((t) => t.showlegend).map((t) => t.name),
    ["ft", "frozen"],
    "one legend entry per system",
  );
  const ordered = lossCurvesFigure([{ label: "a", system: "ft", loss: points(3), valLoss: [] }], {
    systemOrder: ["best", "ft"],
  });
  assert.equal(
    (ordered.data[0]?.line as { color: string } | undefined)?.color,
    "#d62728",
    "colour follows the report's order",
  );
});

test("parallel coordinates: one axis per varied hyperparameter plus the metric; categories become ticks", () => {
  const spec = parallelCoordinatesFigure(
    [
      { system: "ft", params: { lr: 0.01, optimizer: "adam", epochs: 5 }, metric: 0.8 },
      { system: "ft", params: { lr: 0.1, optimizer: "sgd", epochs: 5 }, metric: 0.6 },
      { system: "ft", params: { lr: 0.001, optimizer: "adam", epochs: 5 }, metric: 0.7 },
    ],
    "val_f1",
  );
  const dimensions = trace(spec).dimensions as { label: string; values: number[]; ticktext?: string[] }[];
  assert.deepEqual(
    dimensions.map((d) => d.label),
    ["lr", "optimizer", "val_f1"],
  );
  assert.deepEqual(dimensions[1]?.ticktext, ["adam", "sgd"]);
  assert.deepEqual(dimensions[1]?.values, [0, 1, 0]);
  assert.deepEqual(dimensions[2]?.values, [0.8, 0.6, 0.7]);
});

test("learning curve: a CI band and a line per system, sorted by labelled examples, log x axis", () => {
  const estimate = (mean: number) => ({ mean, low: mean - 0.05, high: mean + 0.05, n: 3 });
  const spec = learningCurveFigure(
    [
      { system: "rag", labelled: 128, estimate: estimate(0.8) },
      { system: "rag", labelled: 8, estimate: estimate(0.6) },
      { system: "ft", labelled: 8, estimate: estimate(0.5) },
    ],
    "test_f1",
  );
  assert.equal(spec.data.length, 4);
  const band = trace(spec, 0);
  const line = trace(spec, 1);
  assert.equal(band.fill, "toself");
  assert.deepEqual(band.x, [8, 128, 128, 8]);
  assert.deepEqual(band.y, [0.65, 0.85, 0.75, 0.55]);
  assert.deepEqual(line.x, [8, 128]);
  assert.equal((spec.layout.xaxis as { type: string }).type, "log");
});

test("freshness: grouped before/after bars per system with CIs", () => {
  const e = (mean: number) => ({ mean, low: mean - 0.01, high: mean + 0.02, n: 2 });
  const spec = freshnessFigure([{ system: "rag", before: e(0.8), after: e(0.9) }], "test_f1");
  assert.equal(spec.layout.barmode, "group");
  assert.deepEqual(trace(spec, 0).y, [0.8]);
  assert.deepEqual(trace(spec, 1).y, [0.9]);
});

test("slice metrics: one bar trace per system over the slices; empty slices become gaps", () => {
  const spec = sliceMetricsFigure(
    [
      { system: "ft", slice: "1", value: 0.9, n: 10 },
      { system: "ft", slice: "2", value: Number.NaN, n: 0 },
      { system: "rag", slice: "1", value: 0.8, n: 10 },
    ],
    "collection",
    "test_f1",
  );
  assert.equal(spec.data.length, 2);
  assert.deepEqual(trace(spec, 0).y, [0.9, null]);
  assert.deepEqual(trace(spec, 1).y, [0.8, null]);
});

test("confusion matrices: one heatmap per system on its own axes, counts as annotations", () => {
  const a = confusionMatrix(["spam", "ham", "ham"], ["spam", "spam", "ham"], ["ham", "spam"]);
  const spec = confusionMatrixFigure([
    { name: "ft", confusion: a },
    { name: "rag", confusion: a },
  ]);
  assert.equal(spec.data.length, 2);
  assert.deepEqual(trace(spec, 0).z, [
    [1, 1],
    [0, 1],
  ]);
  assert.equal(trace(spec, 1).xaxis, "x2");
  assert.ok(spec.layout.xaxis2, "second subplot axis");
  assert.equal((spec.layout.annotations as unknown[]).length, 2);
});
