import { escapeMarkdown as m } from "./escape.js";
import {
  formatEstimate,
  headline,
  budgetTable,
  datasetTable,
  predictionErrorsTable,
  significanceTable,
  splitsTable,
  systemsTable,
} from "./format.js";
import type { ReportModel } from "./report-model.js";

function table(headers: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(m).join(" | ")} |`;
  return [line(headers), `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** Renders the report's words and tables as Markdown (figures are listed by title; see the HTML). */
export function renderMarkdown(model: ReportModel): string {
  const r = model.reproducibility;
  const parts = [
    `# Study report: ${m(model.experiment)}`,
    `Generated ${m(model.generatedAt)} by expbook.`,
    "## Question",
    `**${m(model.question)}**`,
    "## Answer",
    headline(model)
      .map((line) => `- ${m(line)}`)
      .join("\n"),
    ...model.warnings.map((warning) => `> **Warning:** ${m(warning)}`),
    "## Results",
    `Mean over ${r.seeds.length} seed(s) with 95% CI in brackets; ranked by ${m(model.metric)} (${model.higherIsBetter ? "higher" : "lower"} is better). Intervals: ${m(model.intervalMethod)}.`,
    table(
      ["system", ...model.metricColumns],
      model.results.map((row) => [
        row.system,
        ...model.metricColumns.map((c) => formatEstimate(row.metrics[c])),
      ]),
    ),
  ];
  if (model.budgets.length > 0) {
    const budgets = budgetTable(model);
    parts.push(
      "### Results by budget",
      "One row per labelled-set size × system: mean, 95% interval and standard deviation over seeds; each system is tested against the best at the same budget (paired over the same test examples), Holm-corrected within the budget.",
      table(budgets.header, budgets.rows),
    );
  }
  parts.push("### Significance tests");
  const t = model.tests;
  if (t && t.comparisons.length > 0) {
    const significance = significanceTable(t);
    parts.push(
      `Each system against the best, **${m(t.best)}**, on ${m(t.metric)}: ${m(t.method)}. Holm-Bonferroni adjusted, α = ${t.alpha}.`,
      table(significance.header, significance.rows),
    );
  } else {
    parts.push(
      model.results.length < 2
        ? "No significance tests: fewer than two systems have results."
        : "No significance tests: see the warnings under the answer.",
    );
  }
  parts.push(
    "## Figures",
    "Interactive in the HTML report:",
    model.figures.map((figure) => `- ${m(figure.title)}: ${m(figure.caption)}`).join("\n") || "(none)",
  );
  if (model.predictionErrors.length > 0) {
    const errors = predictionErrorsTable(model.predictionErrors);
    parts.push(
      "### Test errors",
      "Each system's test predictions pooled over seeds: what the predicted-vs-actual and absolute-error figures show. Mean residual is predicted − actual (positive: over-predicts).",
      table(errors.header, errors.rows),
    );
  }
  parts.push("## Data and splits");
  if (model.dataset) {
    const d = datasetTable(model.dataset);
    parts.push(table(d.header, d.rows));
  }
  const splits = splitsTable(model.splits);
  const systems = systemsTable(model.systems);
  parts.push(
    table(splits.header, splits.rows),
    "## Systems and chosen hyperparameters",
    table(systems.header, systems.rows),
    "## Reproducibility",
    table(
      ["fact", "value"],
      [
        ["git commit", r.commits.join(", ") || "unknown"],
        ["uncommitted changes", r.dirty === null ? "unknown" : r.dirty ? "yes" : "no"],
        ["node", r.node.join(", ")],
        ["backend", r.backends.join(", ")],
        ["seeds", r.seeds.join(", ")],
        ...Object.entries(r.versions),
      ],
    ),
    "Commands to rerun:",
    ["```sh", ...r.commands.map((command) => command.replace(/```/g, "'''")), "```"].join("\n"),
  );
  return `${parts.join("\n\n")}\n`;
}
