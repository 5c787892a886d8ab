import assert from "node:assert/strict";
import { test } from "node:test";
import { figureHtml, metricBarsFigure, runsTableHtml, showFigure, showRuns } from "../../src/report/index.js";
import type { RunRecord } from "../../src/tracker/types.js";
import { InputError } from "../../src/util/errors.js";

const hostile = "</script><img src=x onerror=alert(1)>";
const spec = metricBarsFigure(
  [{ system: hostile, estimate: { mean: 0.9, low: 0.8, high: 0.95, n: 3 } }],
  "test_f1",
);

test("figureHtml embeds the figure as script-safe JSON, with or without plotly.js", () => {
  const withPlotly = figureHtml(spec);
  const without = figureHtml(spec, { includePlotly: false });
  assert.ok(withPlotly.includes("window.Plotly = Plotly"));
  assert.ok(!without.includes("window.Plotly = Plotly"));
  assert.ok(without.length < 5000);
  assert.equal(without.split("</script>").length - 1, 1, "only the figure's own script closes");
  assert.ok(!without.includes("<img"));
  assert.ok(without.includes("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"));
  const ids = [figureHtml(spec, { includePlotly: false }), without].map(
    (html) => /id="([^"]+)"/.exec(html)?.[1],
  );
  assert.notEqual(ids[0], ids[1], "every figure gets its own container id");
});

test("runsTableHtml escapes names, params and summary values", () => {
  const run = {
    id: "20260101-000000-000-0123456789",
    name: hostile,
    status: "finished",
    seed: 1,
    params: { tokenizer: hostile, lr: 0.01 },
    summary: { test_f1: 0.91234, backend: hostile },
  } as unknown as RunRecord;
  const html = runsTableHtml([run]);
  assert.ok(!html.includes("<img") && !html.includes("</script"));
  assert.ok(html.includes("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(html.includes('<td style="text-align:left">0.912</td>'));
  assert.ok(html.includes("lr=0.01, tokenizer=&lt;/script&gt;"));
});

test("showFigure and showRuns outside a tslab notebook fail with an InputError that points to figureHtml", async () => {
  await assert.rejects(
    showFigure(spec),
    (error: unknown) => error instanceof InputError && /figureHtml/.test(error.message),
  );
  await assert.rejects(
    showRuns([]),
    (error: unknown) => error instanceof InputError && /figureHtml/.test(error.message),
  );
});
