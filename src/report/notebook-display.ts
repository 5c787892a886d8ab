import type { RunRecord } from "../tracker/types.js";
import { InputError } from "../util/errors.js";
import { escapeHtml, jsonForScript } from "./escape.js";
import type { FigureSpec } from "./figure-spec.js";
import { formatNumber, formatParams } from "./format.js";
import { plotlySource } from "./plotly-source.js";
import { kernelTslab } from "./kernel-tslab.js";

let figureCount = 0;
let plotlyShown = false;

/**
 * HTML that draws one plotly figure: a container plus a script that waits for `window.Plotly`.
 * With `includePlotly` (default true) the plotly.js bundle is inlined, so the HTML works on its own;
 * without it, plotly must already be on the page.
 */
export function figureHtml(spec: FigureSpec, options: { includePlotly?: boolean } = {}): string {
  figureCount++;
  const id = `expbook-figure-${Date.now().toString(36)}-${figureCount}`;
  const plotly = options.includePlotly === false ? "" : `<script>${plotlySource()}</script>`;
  return `${plotly}<div id="${id}" class="expbook-figure"></div>
<script>(function () {
  var spec = ${jsonForScript(spec)};
  var tries = 0;
  function draw() {
    if (window.Plotly) return window.Plotly.newPlot("${id}", spec.data, spec.layout, { displaylogo: false, responsive: true });
    if (++tries < 200) return setTimeout(draw, 50);
    document.getElementById("${id}").textContent = "plotly.js did not load: rerun the notebook from its first figure.";
  }
  draw();
})();</script>`;
}

/** A table of runs: id, name, status, seed, params and summary values, every cell HTML-escaped. */
export function runsTableHtml(runs: readonly RunRecord[]): string {
  const summaryKeys = [...new Set(runs.flatMap((run) => Object.keys(run.summary)))].sort();
  const headers = ["id", "name", "status", "seed", "params", ...summaryKeys];
  const cell = (value: string) => `<td style="text-align:left">${escapeHtml(value)}</td>`;
  const rows = runs.map((run) => {
    const summary = summaryKeys.map((key) => {
      const value = run.summary[key];
      return cell(typeof value === "number" ? formatNumber(value) : value === undefined ? "" : String(value));
    });
    return `<tr>${[
      run.id,
      run.name,
      run.status,
      run.seed === null ? "" : String(run.seed),
      formatParams(run.params),
    ]
      .map(cell)
      .join("")}${summary.join("")}</tr>`;
  });
  return `<table class="expbook-runs"><thead><tr>${headers.map((h) => `<th style="text-align:left">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

interface HtmlDisplay {
  html(html: string): void;
}

// tslab is loaded only when a notebook asks to display something, so the library works without it.
async function notebookDisplay(): Promise<HtmlDisplay> {
  let module: { display?: HtmlDisplay; default?: { display?: HtmlDisplay } };
  try {
    module = (await kernelTslab()) as typeof module;
  } catch {
    throw new InputError(
      "tslab is not installed: showFigure/showRuns work in a tslab notebook; use figureHtml elsewhere",
    );
  }
  const display = module.display ?? module.default?.display;
  if (!display)
    throw new InputError("tslab has no display API: use figureHtml(spec) and show the HTML yourself");
  return display;
}

function show(display: HtmlDisplay, html: string): void {
  try {
    display.html(html);
  } catch {
    throw new InputError(
      "showFigure/showRuns work inside a tslab notebook cell; elsewhere use figureHtml(spec)",
    );
  }
}

/**
 * Displays a plotly figure inline in a tslab notebook. The first call in a kernel inlines plotly.js;
 * later calls only reference it.
 * @example await showFigure(lossCurvesFigure(runs))
 */
export async function showFigure(spec: FigureSpec): Promise<void> {
  const display = await notebookDisplay();
  show(display, figureHtml(spec, { includePlotly: !plotlyShown }));
  plotlyShown = true;
}

/** Displays runs as an HTML table in a tslab notebook. */
export async function showRuns(runs: readonly RunRecord[]): Promise<void> {
  show(await notebookDisplay(), runsTableHtml(runs));
}
