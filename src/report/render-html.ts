import { escapeHtml, jsonForScript } from "./escape.js";
import {
  dataSection,
  errorsSection,
  figuresSection,
  questionSection,
  reproducibilitySection,
  resultsSection,
  systemsSection,
} from "./html-sections.js";
import { plotlySource } from "./plotly-source.js";
import type { ReportModel } from "./report-model.js";

const style = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
header h1 { margin: 0 0 4px; font-size: 26px; } header p { margin: 0; color: #555; }
nav { margin: 12px 0 8px; font-size: 14px; } nav a { margin-right: 14px; color: #1f5fa8; text-decoration: none; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; font-size: 20px; }
h3 { font-size: 16px; margin-top: 20px; }
.question { font-size: 19px; font-weight: 600; }
ul.answer li { margin: 4px 0; }
.warning { background: #fff4e5; border-left: 4px solid #f0a020; padding: 6px 10px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13.5px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
table.numbers td:not(:first-child) { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.mono-last td:last-child, table.runs td:first-child { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
table.citations td:last-child { max-width: 560px; }
figure { margin: 20px 0; } figcaption { font-size: 13.5px; color: #333; margin-top: 4px; }
.plot { min-height: 220px; }
details.error { border: 1px solid #e3e3e3; border-radius: 4px; margin: 6px 0; padding: 4px 8px; }
details summary { cursor: pointer; }
.meta { color: #555; font-size: 13px; }
pre { background: #f5f5f5; padding: 10px; overflow-x: auto; font-size: 13px; }
`;

// Draws every figure from the embedded JSON; sets window.__expbookReport when done (tests wait on it).
const drawFigures = `
(function () {
  var figures = JSON.parse(document.getElementById("expbook-figures").textContent);
  var containers = document.querySelectorAll(".plot[data-figure]");
  var config = { displaylogo: false, responsive: true };
  var drawn = Array.prototype.map.call(containers, function (element) {
    var figure = figures[Number(element.getAttribute("data-figure"))];
    return Plotly.newPlot(element, figure.data, figure.layout, config);
  });
  Promise.all(drawn).then(
    function () { window.__expbookReport = { ready: true, figures: figures.length }; },
    function (error) { console.error(error); window.__expbookReport = { ready: true, error: String(error) }; }
  );
  var filter = document.getElementById("error-filter");
  if (filter) filter.addEventListener("change", function () {
    document.querySelectorAll("details.error").forEach(function (item) {
      item.hidden = filter.value !== "all" && item.getAttribute("data-system") !== filter.value;
    });
  });
})();
`;

// No network: nothing may be fetched; images only from data: URLs. 'unsafe-eval' because plotly's WebGL
// traces (parcoords, through regl) compile their draw calls with new Function.
const contentSecurityPolicy =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

/**
 * Renders a report as ONE self-contained HTML file: plotly.js inlined, figures embedded as JSON,
 * every text HTML-escaped, no network access (a Content-Security-Policy forbids it).
 */
export function renderHtml(model: ReportModel): string {
  const figures = jsonForScript(model.figures.map((figure) => figure.spec));
  const title = `Study report: ${model.experiment}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body><main>
<header><h1>${escapeHtml(title)}</h1><p>Generated ${escapeHtml(model.generatedAt)} by expbook.</p>
<nav><a href="#question">Question</a><a href="#results">Results</a><a href="#figures">Figures</a><a href="#data">Data</a><a href="#systems">Systems</a><a href="#errors">Errors</a><a href="#reproducibility">Reproducibility</a></nav></header>
${questionSection(model)}
${resultsSection(model)}
${figuresSection(model)}
${dataSection(model)}
${systemsSection(model)}
${errorsSection(model)}
${reproducibilitySection(model)}
</main>
<script type="application/json" id="expbook-figures">${figures}</script>
<script>${plotlySource()}</script>
<script>${drawFigures}</script>
</body></html>
`;
}
