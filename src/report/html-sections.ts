import { escapeHtml as e } from "./escape.js";
import {
  formatEstimate,
  formatNumber,
  formatParam,
  formatParams,
  headline,
  budgetTable,
  datasetTable,
  predictionErrorsTable,
  significanceTable,
  splitsTable,
  systemsTable,
} from "./format.js";
import type { ReportModel } from "./report-model.js";

function table(headers: readonly string[], rows: readonly string[][], className = ""): string {
  const head = headers.map((header) => `<th>${e(header)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${e(cell)}</td>`).join("")}</tr>`).join("\n");
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The question, the answer in words, and any warnings. */
export function questionSection(model: ReportModel): string {
  const answer = headline(model)
    .map((line) => `<li>${e(line)}</li>`)
    .join("");
  const warnings = model.warnings.map((warning) => `<p class="warning">${e(warning)}</p>`).join("");
  return `<section id="question"><h2>Question</h2><p class="question">${e(model.question)}</p>
<h2>Answer</h2><ul class="answer">${answer}</ul>${warnings}</section>`;
}

/** Results table (mean and 95% CI over seeds) and the Holm-corrected significance tests. */
export function resultsSection(model: ReportModel): string {
  const headers = ["system", ...model.metricColumns];
  const rows = model.results.map((row) => [
    row.system,
    ...model.metricColumns.map((column) => formatEstimate(row.metrics[column])),
  ]);
  const seeds = model.reproducibility.seeds.length;
  let tests =
    model.results.length < 2
      ? "<p>No significance tests: fewer than two systems have results.</p>"
      : "<p>No significance tests: see the warnings under the answer.</p>";
  if (model.tests && model.tests.comparisons.length > 0) {
    const t = model.tests;
    const significance = significanceTable(t);
    tests = `<p>Each system against the best, <b>${e(t.best)}</b>, on ${e(t.metric)}: ${e(t.method)}.
p-values are Holm-Bonferroni adjusted across ${t.comparisons.length} comparison(s); α = ${t.alpha}.</p>
${table(significance.header, significance.rows, "numbers")}`;
  }
  let budgets = "";
  if (model.budgets.length > 0) {
    const t = budgetTable(model);
    budgets = `<h3>Results by budget</h3><p>One row per labelled-set size × system: mean, 95% interval and
standard deviation over seeds; each system is tested against the best at the same budget (paired over the same
test examples), Holm-corrected within the budget.</p>
${table(t.header, t.rows, "numbers")}`;
  }
  return `<section id="results"><h2>Results</h2>
<p>Holdout metrics per system: mean over ${seeds} seed(s) with a 95% confidence interval in brackets.
Systems are ranked by ${e(model.metric)} (${model.higherIsBetter ? "higher" : "lower"} is better).
Intervals: ${e(model.intervalMethod)}.</p>
${table(headers, rows, "numbers")}${budgets}
<h3>Significance tests</h3>${tests}</section>`;
}

/** One container per figure, with its title and caption; plotly draws into `.plot`. */
export function figuresSection(model: ReportModel): string {
  const figures = model.figures
    .map(
      (figure, index) => `<figure id="figure-${e(figure.id)}"><div class="plot" data-figure="${index}"></div>
<figcaption><b>${e(figure.title)}.</b> ${e(figure.caption)}</figcaption></figure>`,
    )
    .join("\n");
  let errors = "";
  if (model.predictionErrors.length > 0) {
    const t = predictionErrorsTable(model.predictionErrors);
    errors = `<h3>Test errors</h3><p>Each system's test predictions pooled over seeds, as the two figures above show them.
Mean residual is predicted − actual (positive: the system over-predicts on average).</p>
${table(t.header, t.rows, "numbers")}`;
  }
  return `<section id="figures"><h2>Figures</h2>${figures || "<p>No figures: no runs with results.</p>"}${errors}</section>`;
}

/** The dataset, each seed's split and their fingerprints. */
export function dataSection(model: ReportModel): string {
  const d = model.dataset ? datasetTable(model.dataset) : undefined;
  const dataset = d
    ? table(d.header, d.rows, "mono-last")
    : "<p>No study record: the dataset is unknown.</p>";
  const t = splitsTable(model.splits);
  const splits = table(t.header, t.rows, "mono-last");
  const splitsHtml = model.splits.length > 0 ? splits : "<p>No splits were recorded.</p>";
  return `<section id="data"><h2>Data and splits</h2>${dataset}<h3>Splits</h3>${splitsHtml}</section>`;
}

/** Each system, its kind and the hyperparameters the validation set chose. */
export function systemsSection(model: ReportModel): string {
  const t = systemsTable(model.systems);
  return `<section id="systems"><h2>Systems and chosen hyperparameters</h2>
${table(t.header, t.rows)}</section>`;
}

/** A browser of sampled test errors with the documents RAG cited for each. */
export function errorsSection(model: ReportModel): string {
  const systems = [...new Set(model.errors.map((error) => error.system))];
  const options = ["all", ...systems].map((s) => `<option value="${e(s)}">${e(s)}</option>`).join("");
  const items = model.errors
    .map((error) => {
      const meta = Object.entries(error.meta)
        .map(([key, value]) => `${key}=${formatParam(value)}`)
        .join(", ");
      const citations =
        error.citations.length === 0
          ? "<p>No citations (not a retrieval system).</p>"
          : table(
              ["cited document", "score", "label", "snippet"],
              error.citations.map((c) => [
                c.id,
                formatNumber(c.score),
                c.label ?? (c.target === undefined ? "" : formatNumber(c.target)),
                c.snippet ?? "",
              ]),
              "citations",
            );
      return `<details class="error" data-system="${e(error.system)}"><summary><b>${e(error.system)}</b> · ${e(error.id)} · true ${e(String(error.yTrue))}, predicted ${e(String(error.yPred))}</summary>
<p class="meta">run ${e(error.runId)}, seed ${error.seed ?? "—"}${meta ? `, ${e(meta)}` : ""}</p>${citations}</details>`;
    })
    .join("\n");
  return `<section id="errors"><h2>Errors and citations</h2>
<p>${
    model.errorsTotal === 0
      ? "No test errors to show (no per-example predictions were recorded, or none was wrong)."
      : `${model.errors.length} of ${model.errorsTotal} test errors, sampled per system. Open one to see what a RAG system retrieved for it.`
  }</p>
<label>System: <select id="error-filter">${options}</select></label>
<div id="error-list">${items}</div></section>`;
}

/** Commit, dirty flag, versions, backend, seeds, the commands to rerun, and the index of runs. */
export function reproducibilitySection(model: ReportModel): string {
  const r = model.reproducibility;
  const facts = table(
    ["fact", "value"],
    [
      ["git commit", r.commits.join(", ") || "unknown"],
      ["uncommitted changes", r.dirty === null ? "unknown" : r.dirty ? "yes (dirty tree)" : "no"],
      ["node", r.node.join(", ") || "unknown"],
      ["backend", r.backends.join(", ") || "unknown"],
      ["seeds", r.seeds.join(", ")],
      ...Object.entries(r.versions).map(([name, version]) => [name, version]),
    ],
  );
  const commands = r.commands.map((command) => e(command)).join("\n");
  const runs = table(
    ["run", "name", "system", "stage", "seed", "status", "params", "note"],
    model.runs.map((run) => [
      run.id,
      run.name,
      run.system,
      run.stage,
      run.seed === null ? "—" : String(run.seed),
      run.status,
      formatParams(run.params),
      run.note,
    ]),
    "runs",
  );
  return `<section id="reproducibility"><h2>Reproducibility</h2>${facts}
<h3>Commands to rerun</h3><pre>${commands || "(not recorded)"}</pre>
<details><summary>All ${model.runs.length} tracked runs</summary>${runs}</details></section>`;
}
