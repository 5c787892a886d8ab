// Opens generated reports in Debian's headless Chromium and checks what a reader gets: every figure
// drawn, no console errors, no network, injected markup shown as text, a screenshot.
import assert from "node:assert/strict";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  figureHtml,
  freshnessFigure,
  learningCurveFigure,
  parallelCoordinatesFigure,
  writeReport,
} from "../../src/report/index.js";
import { tempDir } from "../helpers/cli.js";
import { type BrowserPage, consoleErrors, networkRequests, openPage } from "./browser-page.js";
import { HeadlessChromium } from "./headless-chromium.js";
import { hostileId, regressionExperiment, writeRegressionStudy } from "./synthetic-regression-study.js";
import { experiments, hostile, writeSyntheticStudy } from "./synthetic-study.js";

const work = tempDir("expbook-report-browser-");
let browser: HeadlessChromium;

before(() => {
  browser = HeadlessChromium.launch();
});
after(async () => {
  await browser?.close();
  work.cleanup();
});

/** Saves a screenshot to the temp dir and, in CI, to reports/test-artifacts/ for the run's artifacts. */
function saveScreenshot(png: Buffer, name: string): string {
  const path = join(work.path, name);
  writeFileSync(path, png);
  if (process.env.CI) {
    const dir = new URL("../../reports/test-artifacts/", import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), png);
  }
  return path;
}

/** Per plot container: whether plotly drew it (full data, an SVG with size) and how many traces. */
function drawnPlots(page: BrowserPage, selector: string) {
  return page.evaluate<{ drawn: boolean; traces: number; height: number }[]>(`
    Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((el) => {
      const svg = el.querySelector(".main-svg");
      const height = svg ? svg.getBoundingClientRect().height : 0;
      // WebGL traces (parcoords) that cannot get a context show plotly's notice instead of a plot.
      const webglFailed = el.innerText.includes("WebGL is not supported");
      const drawn = el.classList.contains("js-plotly-plot") && height > 100 && !webglFailed;
      return { drawn, traces: (el._fullData || []).length, height };
    })`);
}

function dialogs(page: BrowserPage): unknown[] {
  return page.events().filter((event) => event.method === "Page.javascriptDialogOpening");
}

test("the study report in headless Chromium", async (t) => {
  const store = join(work.path, "store");
  await writeSyntheticStudy(store);
  const out = join(work.path, "report.html");
  const written = await writeReport({ storeDir: store, experiment: experiments.main, out });
  const url = `file://${out}`;
  // Offline from the first request: the report must not need the network to draw.
  const page = await openPage(browser, url, "window.__expbookReport && window.__expbookReport.ready", {
    offline: true,
  });

  await t.test(
    "is under 5 MB, opens offline with every figure drawn, no errors and no requests",
    async () => {
      const bytes = statSync(out).size;
      assert.ok(bytes < 5_000_000, `report is ${bytes} bytes; must stay under 5 MB`);
      assert.equal(written.plots, 6);
      const state = await page.evaluate<{ figures: number; error?: string }>("window.__expbookReport");
      assert.equal(state.error, undefined);
      assert.equal(state.figures, written.plots);
      const plots = await drawnPlots(page, ".plot[data-figure]");
      assert.equal(plots.length, written.plots);
      assert.equal(
        await page.evaluate<number>("document.querySelectorAll('.js-plotly-plot').length"),
        written.plots,
      );
      plots.forEach((plot, i) => {
        assert.ok(plot.drawn, `figure ${i} is drawn (svg height ${plot.height})`);
        assert.equal(
          plot.traces,
          written.model.figures[i]?.spec.data.length,
          `figure ${i} has all its traces`,
        );
      });
      assert.deepEqual(consoleErrors(page.events()), []);
      assert.deepEqual(networkRequests(page.events(), url), []);
      const png = await page.screenshot();
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG");
      assert.ok(png.length > 20_000, "the screenshot has content");
      saveScreenshot(png, "study-report.png");
    },
  );

  await t.test(
    "shows markup in a run name, param, note, system name and question as text, running nothing",
    async () => {
      // Open every collapsed section so hidden rows (the run index, citations) are rendered too.
      await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; }), true");
      const text = await page.evaluate<string>("document.body.innerText");
      assert.ok(text.includes(hostile.img), "the <img> payload is visible as text");
      assert.ok(text.includes(hostile.script), "the </script> payload is visible as text");
      assert.ok(text.includes(`reviewed ${hostile.img} ${hostile.script}`), "the run note is shown as text");
      assert.ok(text.includes(`tokenizer=${hostile.img}`), "the param is shown as text");
      assert.ok(text.includes(`final ${hostile.script}`), "the run name is shown as text");
      const injected = await page.evaluate<number>(
        `document.querySelectorAll('img[src="x"], img[onerror]').length`,
      );
      assert.equal(injected, 0, "no injected <img> element");
      assert.equal(
        await page.evaluate<number>("document.scripts.length"),
        3,
        "only the report's own scripts",
      );
      assert.deepEqual(dialogs(page), [], "no alert() ran");
      assert.deepEqual(consoleErrors(page.events()), []);
    },
  );
});

test("the regression study report in headless Chromium: prediction figures drawn, ids on hover", async () => {
  const store = join(work.path, "regression-store");
  await writeRegressionStudy(store);
  const out = join(work.path, "regression-report.html");
  const written = await writeReport({ storeDir: store, experiment: regressionExperiment, out });
  const url = `file://${out}`;
  const page = await openPage(browser, url, "window.__expbookReport && window.__expbookReport.ready", {
    offline: true,
  });
  assert.ok(written.bytes < 5_000_000, `report is ${written.bytes} bytes; must stay under 5 MB`);
  const ids = written.model.figures.map((f) => f.id);
  assert.ok(ids.includes("predicted-vs-actual") && ids.includes("absolute-errors"));
  const state = await page.evaluate<{ figures: number; error?: string }>("window.__expbookReport");
  assert.equal(state.error, undefined);
  const plots = await drawnPlots(page, ".plot[data-figure]");
  assert.equal(plots.length, written.plots);
  plots.forEach((plot, i) => {
    assert.ok(plot.drawn, `figure ${ids[i]} is drawn (svg height ${plot.height})`);
    assert.equal(
      plot.traces,
      written.model.figures[i]?.spec.data.length,
      `figure ${ids[i]} has all its traces`,
    );
  });
  // Hover the first point of the first panel the way a reader would, and read plotly's hover label.
  const scatter = written.model.figures.find((f) => f.id === "predicted-vs-actual")?.spec.data[0];
  const label = await page.evaluate<string>(`(() => {
    const el = document.querySelector("#figure-predicted-vs-actual .plot");
    Plotly.Fx.hover(el, [{ curveNumber: 0, pointNumber: 0 }], "xy");
    return el.querySelector(".hoverlayer").textContent;
  })()`);
  assert.ok(
    label.includes((scatter?.text as string[] | undefined)?.[0] ?? "?"),
    `hover label "${label}" names the example`,
  );
  const outlier = await page.evaluate<string>(`(() => {
    const el = document.querySelector("#figure-absolute-errors .plot");
    Plotly.Fx.hover(el, [{ curveNumber: 1, pointNumber: 0 }], "xy");
    return el.querySelector(".hoverlayer").textContent;
  })()`);
  const outliers = written.model.figures.find((f) => f.id === "absolute-errors")?.spec.data[1];
  assert.ok(
    outlier.includes((outliers?.text as string[] | undefined)?.[0] ?? "?"),
    `hover label "${outlier}" names the outlier`,
  );
  await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; }), true");
  const text = await page.evaluate<string>("document.body.innerText");
  assert.ok(text.includes(hostileId), "the hostile example id in the error table is shown as text");
  assert.equal(
    await page.evaluate<number>(`document.querySelectorAll('img[src="x"], img[onerror]').length`),
    0,
  );
  assert.deepEqual(dialogs(page), [], "no alert() ran");
  assert.deepEqual(consoleErrors(page.events()), []);
  assert.deepEqual(networkRequests(page.events(), url), []);
  saveScreenshot(await page.screenshot(), "regression-report.png");
});

test("figureHtml draws figures in any page: plotly inlined once, later figures reuse it", async () => {
  const e = (mean: number) => ({ mean, low: mean - 0.05, high: mean + 0.05, n: 3 });
  const html = [
    figureHtml(
      learningCurveFigure(
        [8, 32, 128].flatMap((n) => [
          { system: "finetune", labelled: n, estimate: e(0.5 + n / 400) },
          { system: `rag ${hostile.script}`, labelled: n, estimate: e(0.6 + n / 500) },
        ]),
        "test_f1",
      ),
    ),
    figureHtml(freshnessFigure([{ system: "rag", before: e(0.7), after: e(0.8) }], "test_f1"), {
      includePlotly: false,
    }),
    figureHtml(
      parallelCoordinatesFigure(
        [
          { system: "ft", params: { lr: 0.01, optimizer: hostile.img }, metric: 0.8 },
          { system: "ft", params: { lr: 0.1, optimizer: "sgd" }, metric: 0.6 },
        ],
        "val_f1",
      ),
      { includePlotly: false },
    ),
  ].join("\n");
  assert.equal(html.split("window.Plotly = Plotly").length - 1, 1, "plotly.js inlined exactly once");
  const path = join(work.path, "notebook.html");
  writeFileSync(path, `<!doctype html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`);
  const page = await openPage(
    browser,
    `file://${path}`,
    "document.querySelectorAll('.js-plotly-plot').length === 3",
  );
  const plots = await drawnPlots(page, ".expbook-figure");
  assert.deepEqual(
    plots.map((p) => p.drawn),
    [true, true, true],
  );
  assert.deepEqual(consoleErrors(page.events()), []);
  assert.deepEqual(dialogs(page), []);
  saveScreenshot(await page.screenshot(), "figure-html.png");
});
