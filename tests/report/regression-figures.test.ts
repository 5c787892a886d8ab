import assert from "node:assert/strict";
import { test } from "node:test";
import { meanAbsoluteError } from "../../src/metrics/index.js";
import {
  absoluteErrorsFigure,
  downsamplePredictions,
  type FigureSpec,
  predictedVsActualFigure,
  type RegressionPoint,
  roundTo,
  type SystemPredictions,
} from "../../src/report/index.js";
import { createRng, type Rng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";

type Trace = Record<string, unknown>;

function traces(spec: FigureSpec): Trace[] {
  return spec.data as Trace[];
}

/** Heavy-tailed predictions of a target in [lo, hi): normal noise plus some large misses. */
function randomPoints(rng: Rng, n: number, prefix: string): RegressionPoint[] {
  const lo = -50 + 100 * rng.next();
  const span = 1 + 300 * rng.next();
  return Array.from({ length: n }, (_, i) => {
    const actual = lo + span * rng.next();
    const miss = rng.next() < 0.05 ? span * (rng.next() - 0.5) * 3 : 0;
    return {
      id: `${prefix}-${i}`,
      seed: 1 + (i % 3),
      actual,
      predicted: actual + (span / 20) * rng.normal() + miss,
    };
  });
}

test("downsamplePredictions keeps the worst tenth of its budget and the extremes of the range, on many random cases", () => {
  const rng = createRng(5);
  for (let k = 0; k < 200; k++) {
    const points = randomPoints(rng, rng.int(1500), "p");
    const max = 10 + rng.int(600);
    const kept = downsamplePredictions(points, max);
    assert.equal(kept.length, Math.min(points.length, max));
    const ids = new Set(kept.map((p) => p.id));
    assert.equal(ids.size, kept.length, "no point twice");
    for (let i = 1; i < kept.length; i++)
      assert.ok((kept[i]?.actual ?? 0) >= (kept[i - 1]?.actual ?? 0), "sorted by actual");
    if (points.length <= max) continue;
    const error = (p: RegressionPoint) => Math.abs(p.predicted - p.actual);
    const worst = [...points].sort((a, b) => error(b) - error(a)).slice(0, Math.floor(max / 10));
    for (const p of worst) assert.ok(ids.has(p.id), `the large miss ${p.id} is kept`);
    const byActual = [...points].sort((a, b) => a.actual - b.actual);
    assert.ok(ids.has(byActual[0]?.id ?? ""), "the smallest actual value is kept");
    assert.ok(ids.has(byActual.at(-1)?.id ?? ""), "the largest actual value is kept");
  }
});

test("predicted vs actual: a panel per system with every point (up to the cap), ids on hover, y = x over the full extent, MAE in the title", () => {
  const rng = createRng(8);
  const systems: SystemPredictions[] = [
    { system: "finetune", points: randomPoints(rng, 120, "ft") },
    { system: "rag", points: randomPoints(rng, 1300, "rag") },
    { system: "mean", points: randomPoints(rng, 40, "mean") },
    { system: "ridge", points: randomPoints(rng, 7, "ridge") },
  ];
  const spec = predictedVsActualFigure(systems, { maxPoints: 300 });
  const data = traces(spec);
  assert.equal(data.length, 2 * systems.length, "points and the y = x line per panel");
  const all = systems.flatMap((s) => s.points.flatMap((p) => [p.actual, p.predicted]));
  const low = roundTo(Math.min(...all), 6);
  const high = roundTo(Math.max(...all), 6);
  const titles = (spec.layout.annotations as { text: string }[]).map((a) => a.text);
  systems.forEach(({ system, points }, i) => {
    const scatter = data[2 * i] as Trace;
    const line = data[2 * i + 1] as Trace;
    const suffix = i === 0 ? "" : String(i + 1);
    assert.equal(scatter.name, system);
    assert.equal((scatter.x as number[]).length, Math.min(points.length, 300));
    assert.equal((scatter.y as number[]).length, Math.min(points.length, 300));
    const text = scatter.text as string[];
    const byId = new Map(points.map((p) => [p.id, p]));
    text.forEach((label, j) => {
      const match = /^(\S+) \(seed (\d)\)$/.exec(label);
      assert.ok(match, `hover names the id and seed: ${label}`);
      const point = byId.get(match[1] ?? "");
      assert.ok(point, `hover id ${match[1]} is one of the system's examples`);
      assert.equal((scatter.x as number[])[j], roundTo(point.actual, 6));
      assert.equal((scatter.y as number[])[j], roundTo(point.predicted, 6));
      assert.equal(Number(match[2]), point.seed);
    });
    assert.match(String(scatter.hovertemplate), /%\{text\}/);
    assert.deepEqual(line.x, [low, high], "y = x spans every actual and predicted value");
    assert.deepEqual(line.y, [low, high]);
    assert.equal(line.xaxis, `x${suffix}`);
    assert.equal(scatter.yaxis, `y${suffix}`);
    const mae = meanAbsoluteError(
      points.map((p) => p.actual),
      points.map((p) => p.predicted),
    );
    assert.equal(titles[i], `${system} · MAE ${roundTo(mae)}`, "MAE over all points, not the drawn ones");
    const xaxis = spec.layout[`xaxis${suffix}`] as { range: number[] };
    const yaxis = spec.layout[`yaxis${suffix}`] as { range: number[]; scaleanchor: string };
    assert.deepEqual(xaxis.range, yaxis.range, "same range on both axes");
    assert.ok((xaxis.range[0] ?? 0) < low && (xaxis.range[1] ?? 0) > high);
    assert.equal(yaxis.scaleanchor, `x${suffix}`, "equal units, so y = x is the diagonal");
  });
});

test("hover text shows markup in an example id as plain characters, not tags", () => {
  const spec = predictedVsActualFigure([
    { system: "s", points: [{ id: "<b>x</b>", seed: null, actual: 1, predicted: 2 }] },
  ]);
  assert.deepEqual(traces(spec)[0]?.text, [" b x /b "]);
});

test("absolute errors: a box from all errors matching numpy's percentiles, outliers with ids, and the MAE matching scikit-learn", () => {
  const rng = createRng(13);
  const cases = Array.from({ length: 40 }, (_, k) => [
    { system: `a${k}`, points: randomPoints(rng, 1 + rng.int(400), `a${k}`) },
    { system: `b${k}`, points: randomPoints(rng, 1 + rng.int(40), `b${k}`) },
  ]);
  const reference = runPython<{ q: number[]; lo: number; hi: number; mae: number }[]>(
    `
import json, sys
import numpy as np
from sklearn.metrics import mean_absolute_error
out = []
for t, p in json.load(sys.stdin):
    e = np.abs(np.array(p) - np.array(t))
    q1, q2, q3 = np.percentile(e, [25, 50, 75])
    inside = e[(e >= q1 - 1.5 * (q3 - q1)) & (e <= q3 + 1.5 * (q3 - q1))]
    out.append({"q": [q1, q2, q3], "lo": inside.min(), "hi": inside.max(), "mae": mean_absolute_error(t, p)})
print(json.dumps(out))
`,
    cases.flat().map((s) => [s.points.map((p) => p.actual), s.points.map((p) => p.predicted)]),
  );
  let withOutliers = 0;
  cases.forEach((systems, k) => {
    const data = traces(absoluteErrorsFigure(systems));
    const mae = data.at(-1) as Trace;
    assert.deepEqual(
      mae.x,
      systems.map((s) => s.system),
    );
    systems.forEach(({ system, points }, i) => {
      const expected = reference[2 * k + i];
      assert.ok(expected);
      const box = data.find((t) => t.type === "box" && t.name === system);
      assert.ok(box, `a box for ${system}`);
      const stat = (key: string) => (box[key] as number[])[0];
      assert.deepEqual(
        [stat("q1"), stat("median"), stat("q3")],
        expected.q.map((v) => roundTo(v, 6)),
      );
      assert.equal(stat("lowerfence"), roundTo(expected.lo, 6));
      assert.equal(stat("upperfence"), roundTo(expected.hi, 6));
      assert.equal((mae.y as number[])[i], roundTo(expected.mae));
      const outliers = data.find((t) => t.name === `${system} outliers`);
      const beyond = points.filter((p) => {
        const e = Math.abs(p.predicted - p.actual);
        return e > expected.hi || e < expected.lo;
      });
      if (beyond.length === 0) {
        assert.equal(outliers, undefined);
        return;
      }
      withOutliers++;
      assert.ok(outliers);
      assert.equal((outliers.y as number[]).length, Math.min(beyond.length, 100));
      const ids = new Set(beyond.map((p) => p.id));
      for (const label of outliers.text as string[]) assert.ok(ids.has(label.replace(/ \(seed \d\)$/, "")));
    });
  });
  assert.ok(withOutliers > 10, "the cases exercise outliers");
});
