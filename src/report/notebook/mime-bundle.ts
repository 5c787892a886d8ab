import { escapeHtml, jsonForScript } from "../escape.js";
import type { FigureSpec } from "../figure-spec.js";
import { plotlySource } from "../plotly-source.js";

/** The MIME type Jupyter's plotly renderers (JupyterLab, VS Code, nbviewer) draw a figure from. */
export const plotlyMimeType = "application/vnd.plotly.v1+json";

/**
 * One Jupyter output: the same content under several MIME types, richest first. A front end shows
 * the richest type it can render (plotly JSON, else HTML, else plain text).
 */
export interface MimeBundle {
  "text/plain": string;
  "text/html"?: string;
  [plotlyMimeType]?: {
    data: FigureSpec["data"];
    layout: FigureSpec["layout"];
    config: { [key: string]: boolean };
  };
}

let figureCount = 0;

function figureId(): string {
  figureCount++;
  return `expbook-figure-${Date.now().toString(36)}-${figureCount}`;
}

/**
 * HTML that draws one plotly figure: a container plus a script that waits for `window.Plotly`.
 * With `includePlotly` (default true) the plotly.js bundle is inlined, so the HTML works on its own;
 * without it, plotly.js must already be on the page (an earlier figure of the notebook brought it).
 */
export function figureHtml(spec: FigureSpec, options: { includePlotly?: boolean } = {}): string {
  const id = figureId();
  const plotly = options.includePlotly === false ? "" : `<script>${plotlySource()}</script>`;
  return `${plotly}<div id="${id}" class="expbook-figure"></div>
<script>(function () {
  var spec = ${jsonForScript(spec)};
  var tries = 0;
  function draw() {
    if (window.Plotly) return window.Plotly.newPlot("${id}", spec.data, spec.layout, { displaylogo: false, responsive: true });
    if (++tries < 200) return setTimeout(draw, 50);
    document.getElementById("${id}").textContent = "plotly.js did not load: restart the kernel and run the notebook from the top (the first figure brings plotly.js).";
  }
  draw();
})();</script>`;
}

/** The figure's title, or a description of its traces. */
function figureTitle(spec: FigureSpec): string {
  const title = spec.layout.title;
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && !Array.isArray(title) && typeof title.text === "string")
    return title.text;
  return "plotly figure";
}

/**
 * A figure as a Jupyter MIME bundle: the plotly JSON (drawn natively by JupyterLab's and VS Code's
 * plotly renderers), an HTML fallback for front ends without one (it brings plotly.js only when
 * `includePlotly` is set: once per notebook), and a one-line text description.
 */
export function figureBundle(spec: FigureSpec, options: { includePlotly?: boolean } = {}): MimeBundle {
  return {
    [plotlyMimeType]: {
      data: spec.data,
      layout: spec.layout,
      config: { displaylogo: false, responsive: true },
    },
    "text/html": figureHtml(spec, { includePlotly: options.includePlotly ?? false }),
    "text/plain": `${figureTitle(spec)} (plotly figure, ${spec.data.length} trace${spec.data.length === 1 ? "" : "s"})`,
  };
}

/** Text as a bundle: a paragraph in HTML (escaped, `$` kept literal) and the text itself. */
export function textBundle(text: string): MimeBundle {
  return {
    "text/html": `<pre class="tex2jax_ignore" style="white-space:pre-wrap">${escapeHtmlText(text)}</pre>`,
    "text/plain": text,
  };
}

/** An error as a bundle that shows in the cell itself (red in HTML), not only on the kernel's stderr. */
export function errorBundle(error: unknown): MimeBundle {
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  return {
    "text/html": `<div class="tex2jax_ignore" style="color:#b00020;border-left:3px solid #b00020;padding:4px 8px;white-space:pre-wrap"><b>${escapeHtml(name)}</b>: ${escapeHtmlText(message)}</div>`,
    "text/plain": `${name}: ${message}`,
  };
}

/**
 * Escapes text for HTML element content that Jupyter may typeset as LaTeX: HTML characters become
 * entities and every `$` sits in its own element, so MathJax (which matches `$…$` within one text
 * node) never pairs two of them. The text reads the same.
 */
export function escapeHtmlText(text: string): string {
  return escapeHtml(text).replace(/\$/g, "<span>$</span>");
}
