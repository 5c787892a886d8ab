import assert from "node:assert/strict";
import { after, test } from "node:test";
import {
  compareSystems,
  figureBundle,
  figureHtml,
  metricBarsFigure,
  openTracker,
  plotlyMimeType,
  runsTableHtml,
  showFigure,
  showFor,
  showRuns,
  tableBundle,
  type Tracker,
} from "../../src/index.js";
import type { RunRecord } from "../../src/tracker/types.js";
import { InputError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";
import { collector } from "../helpers/notebook-publisher.js";

const hostile = "</script><img src=x onerror=alert(1)>";
const spec = metricBarsFigure(
  [{ system: hostile, estimate: { mean: 0.9, low: 0.8, high: 0.95, n: 3 } }],
  "test_f1",
);
const plotlyMarker = "window.Plotly = Plotly";

test("figureHtml embeds the figure as script-safe JSON, with or without plotly.js", () => {
  const withPlotly = figureHtml(spec);
  const without = figureHtml(spec, { includePlotly: false });
  assert.ok(withPlotly.includes(plotlyMarker));
  assert.ok(!without.includes(plotlyMarker));
  assert.ok(without.length < 5000);
  assert.equal(without.split("</script>").length - 1, 1, "only the figure's own script closes");
  assert.ok(!without.includes("<img"));
  assert.ok(without.includes("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"));
  const ids = [figureHtml(spec, { includePlotly: false }), without].map(
    (html) => /id="([^"]+)"/.exec(html)?.[1],
  );
  assert.notEqual(ids[0], ids[1], "every figure gets its own container id");
});

test("figureBundle is the plotly MIME bundle with a small HTML fallback and a text line", () => {
  const bundle = figureBundle(spec);
  assert.deepEqual(bundle[plotlyMimeType]?.data, spec.data);
  assert.deepEqual(bundle[plotlyMimeType]?.layout, spec.layout);
  assert.ok(!bundle["text/html"]?.includes(plotlyMarker), "plotly.js only when asked for");
  assert.ok((bundle["text/html"]?.length ?? 0) < 5000);
  assert.equal(bundle["text/plain"], "test_f1 by system (mean over seeds, 95% CI) (plotly figure, 1 trace)");
  assert.ok(figureBundle(spec, { includePlotly: true })["text/html"]?.includes(plotlyMarker));
});

test("tables escape HTML and Jupyter's $ LaTeX, keep full text on hover and one line per row", () => {
  const long = `${"word ".repeat(30)}end`;
  const rows = [
    { name: hostile, snippet: "costs $5 and $10\nsecond line", long },
    { name: "plain", snippet: "a|b\tc", long: "short" },
  ];
  const bundle = tableBundle(rows);
  const html = bundle["text/html"] ?? "";
  assert.ok(!html.includes("<img") && !html.includes("</script"), "no markup from a cell survives");
  assert.ok(html.includes("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
  // Attribute values are never typeset; in element text every $ stands alone in its own span.
  const text0 = html.replace(/ title="[^"]*"/g, "").replace(/<span>\$<\/span>/g, "");
  assert.ok(!text0.includes("$"), "no $ left bare in element text");
  assert.ok(html.includes("costs <span>$</span>5 and <span>$</span>10"));
  assert.ok(html.includes("tex2jax_ignore"), "MathJax is told to skip the table");
  assert.ok(html.includes(`title="${long}"`), "the full text is on hover");
  assert.ok(html.includes("overflow:auto"), "the table scrolls");
  const text = bundle["text/plain"];
  assert.equal(text.split("\n").length, 4, "header, rule and one line per row: a newline never breaks a row");
  assert.ok(text.includes("costs $5 and $10 ↵ second line"));
  assert.ok(text.includes("…"), "long cells are cut in the text fallback");
});

test("tables take DataFrame-shaped input and { columns, rows }, and cap the rows shown", () => {
  const frame = {
    columns: ["a", "b"],
    values: [
      [1, "x"],
      [2.123456, null],
    ],
    index: [0, 1],
  };
  const html = tableBundle(frame)["text/html"] ?? "";
  assert.ok(html.includes(">2.123<") && html.includes('title="2.123456"'));
  const many = { columns: ["i"], rows: Array.from({ length: 30 }, (_, i) => [i]) };
  const capped = tableBundle(many, { maxRows: 10 });
  assert.equal((capped["text/html"]?.match(/<tr>/g) ?? []).length, 11);
  assert.ok(capped["text/plain"].endsWith("(10 of 30 rows shown)"));
  assert.throws(() => tableBundle({ a: 1 } as never), InputError);
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
  assert.ok(html.includes(">0.9123</td>"));
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

test("a notebook gets plotly.js once, with the first figure, whatever the number of figures", async () => {
  const out = collector();
  const show = showFor(undefined, { publisher: out });
  for (let i = 0; i < 6; i++) await show.figure(spec);
  const withPlotly = out.bundles.filter((b) => b["text/html"]?.includes(plotlyMarker));
  assert.equal(out.bundles.length, 6);
  assert.equal(withPlotly.length, 1);
  assert.equal(out.bundles[0], withPlotly[0]);
  assert.ok(out.bundles.every((b) => b[plotlyMimeType] !== undefined));
  const rest = out.bundles.slice(1).reduce((sum, b) => sum + JSON.stringify(b).length, 0);
  assert.ok(rest < 30_000, `five more figures weigh ${rest} bytes`);
});

test("a failing helper shows its error in the cell, rejects when awaited, and is harmless when forgotten", async () => {
  const out = collector();
  const show = showFor(undefined, { publisher: out });
  await assert.rejects(
    show.curves(["x"]),
    (error: unknown) => error instanceof InputError && /showFor/.test(error.message),
  );
  assert.match(out.bundles[0]?.["text/plain"] ?? "", /^InputError: show\.curves reads runs from a tracker/);
  assert.match(out.bundles[0]?.["text/html"] ?? "", /color:#b00020/);
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", listener);
  void show.citations("x");
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off("unhandledRejection", listener);
  assert.deepEqual(unhandled, []);
  assert.equal(out.bundles.length, 2, "the forgotten call still showed its error");
  await show(Promise.resolve([{ a: "$x$" }]));
  assert.ok(out.bundles[2]?.["text/html"]?.includes("<span>$</span>x<span>$</span>"));
  await assert.rejects(show(Promise.reject(new Error("training failed"))), /training failed/);
  assert.equal(out.bundles[3]?.["text/plain"], "Error: training failed");
});

// A small store: two systems × 3 seeds on the same 40 test e-mails, with curves and RAG citations.
const store = tempDir("expbook-notebook-display-");
after(store.cleanup);
let tracker: Tracker;
const ids: Record<string, string[]> = { good: [], weak: [] };
const labels = ["ham", "spam"];

async function seedStore(): Promise<Tracker> {
  if (tracker) return tracker;
  tracker = await openTracker({ dir: store.path });
  for (const seed of [1, 2, 3]) {
    for (const system of ["good", "weak"] as const) {
      const run = await tracker.startRun({
        experiment: "nb",
        name: `${system}/seed=${seed}`,
        params: { kind: "rag", system },
        tags: { system },
        seed,
      });
      for (let epoch = 0; epoch < 4; epoch++)
        run.logMany(
          { loss: 1 / (epoch + 1), val_loss: 1.2 / (epoch + 1) + (system === "weak" ? 0.1 : 0) },
          epoch,
        );
      const lines = Array.from({ length: 40 }, (_, i) => {
        const truth = labels[i % 2] as string;
        const wrong = system === "weak" ? (i + seed) % 4 === 0 : (i + seed) % 13 === 0;
        const pred = wrong ? (labels[(i + 1) % 2] as string) : truth;
        return {
          split: "test",
          id: `mail-${i}`,
          y_true: truth,
          y_pred: pred,
          citations: [
            { id: `doc-${i}`, score: 3.5, label: "spam", snippet: "Win $1,000 and $2,000 <b>now</b>" },
            { id: `doc-${i + 100}`, score: 1.25, label: "ham", snippet: "meeting at 10" },
          ],
          meta: {},
        };
      });
      const correct = lines.filter((line) => line.y_true === line.y_pred).length / lines.length;
      run.summary({ test_accuracy: correct, positive_label: "spam" });
      await run.artifact("predictions.jsonl", `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
      await run.finish();
      ids[system]?.push(run.id);
    }
  }
  return tracker;
}

test("show.curves draws the report's loss curves from runs in the store; a missing series names the logged ones", async () => {
  const out = collector();
  const show = showFor(await seedStore(), { publisher: out });
  await show.curves([...(ids.good ?? []), { runId: ids.weak?.[0] ?? "" }], ["loss", "val_loss"]);
  const figure = out.bundles[0]?.[plotlyMimeType];
  assert.equal(figure?.data.length, 8, "4 runs × (train, validation)");
  assert.deepEqual(figure?.data[0]?.y, [1, 0.5, 0.3333, 0.25]);
  assert.equal(figure?.data[1]?.line && (figure.data[1].line as { dash: string }).dash, "dash");
  await show.curves(ids.good ?? [], ["val_loss"]);
  const single = out.bundles[1]?.[plotlyMimeType];
  assert.equal(single?.data.length, 3, "one solid curve per run");
  assert.deepEqual(single?.layout.title, { text: "val_loss", font: { size: 15 } });
  assert.ok(single?.data.every((trace) => (trace.line as { dash: string }).dash === "solid"));
  await assert.rejects(show.curves(ids.good ?? [], ["loss", "val_loss", "val_f1"]), /one or two series/);
  await assert.rejects(
    show.curves(ids.good ?? [], ["val_f1"]),
    /no run logged val_f1; these runs logged: loss, val_loss/,
  );
});

test("show.compare gives means with CIs over seeds and the paired tests stats computes", async () => {
  const out = collector();
  const show = showFor(await seedStore(), { publisher: out });
  await show.compare([...(ids.good ?? []), ...(ids.weak ?? [])], "test_accuracy");
  const [table, figure] = out.bundles;
  const text = table?.["text/plain"] ?? "";
  assert.match(text, /good\s+0\.\d{3} \[0\.\d{3}, [01]\.\d{3}\]\s+3\s+best/);
  // The same comparison computed directly: weak vs good on the same (seed, example) pairs.
  const rows = async (list: string[]) => {
    const all: { key: string; yTrue: string; yPred: string }[] = [];
    for (const id of list) {
      const run = await tracker.run(id);
      for (const line of (await tracker.readArtifact(id, "predictions.jsonl")).trim().split("\n")) {
        const p = JSON.parse(line) as { id: string; y_true: string; y_pred: string };
        all.push({ key: `${run.seed}/${p.id}`, yTrue: p.y_true, yPred: p.y_pred });
      }
    }
    return all;
  };
  const good = await rows(ids.good ?? []);
  const weak = new Map((await rows(ids.weak ?? [])).map((r) => [r.key, r]));
  const [direct] = compareSystems(
    [
      {
        name: "weak",
        yTrue: good.map((r) => r.yTrue),
        predA: good.map((r) => weak.get(r.key)?.yPred ?? ""),
        predB: good.map((r) => r.yPred),
        task: "classification",
        labels,
        positiveLabel: "spam",
        metric: "accuracy",
        seed: 0,
        resamples: 1000,
      },
    ],
    { test: "permutation" },
  );
  assert.ok(direct);
  assert.ok(text.includes(`weak  `) && text.includes(direct.difference.toFixed(3)), text);
  assert.ok(figure?.[plotlyMimeType]?.layout.title, "a forest plot follows the table");
  assert.match(
    JSON.stringify(figure?.[plotlyMimeType]?.layout.title),
    /Paired difference in test_accuracy vs good/,
  );
  await assert.rejects(
    show.compare(ids.good ?? [], "test_f2"),
    /no run has a summary "test_f2"; they have: positive_label, test_accuracy/,
  );
});

test("show.confusion and show.citations read predictions; snippets are escaped for HTML and $", async () => {
  const out = collector();
  const show = showFor(await seedStore(), { publisher: out });
  await show.confusion(ids.weak ?? []);
  const heatmap = out.bundles[0]?.[plotlyMimeType]?.data[0];
  assert.equal(heatmap?.type, "heatmap");
  const total = ((heatmap?.z ?? []) as number[][]).flat().reduce((a, b) => a + b, 0);
  assert.equal(total, 120, "3 seeds × 40 test e-mails");
  await show.citations(ids.weak?.[0] ?? "", "mail-5");
  const html = out.bundles[1]?.["text/html"] ?? "";
  assert.ok(html.includes("Win <span>$</span>1,000 and <span>$</span>2,000 &lt;b&gt;now&lt;/b&gt;"));
  assert.ok(!html.includes("<b>now"));
  assert.match(
    out.bundles[1]?.["text/plain"] ?? "",
    /weak\/seed=1: test example mail-5, truth spam, predicted spam$/m,
  );
  await show.citations(ids.weak?.[0] ?? "");
  assert.match(
    out.bundles[2]?.["text/plain"] ?? "",
    /\(wrong\)/,
    "without an id: the first wrong prediction",
  );
  await assert.rejects(
    show.citations(ids.weak?.[0] ?? "", "nope"),
    /has no prediction for example "nope"; ids look like mail-0/,
  );
  const regression = await tracker.startRun({ experiment: "nb-regression", name: "year", seed: 1 });
  await regression.artifact(
    "predictions.jsonl",
    `${JSON.stringify({ split: "test", id: "speech-1", y_true: 1990, y_pred: 1987, meta: {} })}\n`,
  );
  await regression.finish();
  await assert.rejects(show.confusion(regression.id), /a confusion matrix is for classification runs/);
  await show.runs("params.system = 'weak'");
  assert.equal((out.bundles.at(-1)?.["text/html"]?.match(/<tr>/g) ?? []).length, 4);
  await tracker.close();
});
