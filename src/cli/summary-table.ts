import type { ReportModel, ResultRow, SignificanceTests } from "../report/report-model.js";

function fixed(value: number | undefined, digits = 4): string {
  return value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function layout(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => pad(cell, widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}

/** Mean, interval, seed std, seeds and the paired test against the best, as table cells. */
function resultCells(metric: string, row: ResultRow, tests: SignificanceTests | null): string[] {
  const estimate = row.metrics[metric];
  const comparison = tests?.comparisons.find((c) => c.system === row.system);
  const versus =
    row.system === tests?.best
      ? "best"
      : comparison
        ? `Δ ${comparison.difference >= 0 ? "+" : ""}${fixed(comparison.difference)}  p_holm ${comparison.pAdjusted < 0.001 ? "<0.001" : fixed(comparison.pAdjusted, 3)}${comparison.significant ? " *" : ""}`
        : "";
  return [
    fixed(estimate?.mean),
    estimate && Number.isFinite(estimate.low) ? `[${fixed(estimate.low)}, ${fixed(estimate.high)}]` : "–",
    fixed(estimate?.std),
    String(estimate?.n ?? 0),
    versus,
  ];
}

/**
 * The study summary a terminal shows: per system the test metric's mean with its 95% interval (inside
 * the metric's range) and std over seeds, and the paired test against the best system (difference,
 * Holm-adjusted p). A learning-curve study gets one row per budget × system, tested within each budget.
 */
export function summaryTable(model: ReportModel): string {
  const metric = model.metric;
  const tail = ["95% CI (seeds)", "std", "seeds"];
  let table: string[];
  let alpha = model.tests?.alpha;
  let method = model.tests?.method;
  if (model.budgets.length > 0) {
    const rows = model.budgets.flatMap((b) =>
      b.rows.map((row) => [b.budget, row.system, ...resultCells(metric, row, b.tests)]),
    );
    table = layout(["labels", "system", metric, ...tail, "vs best at this budget (paired, Holm)"], rows);
    const tested = model.budgets.find((b) => b.tests);
    alpha = tested?.tests?.alpha;
    method = tested?.tests?.method;
  } else {
    const rows = model.results.map((row) => [row.system, ...resultCells(metric, row, model.tests)]);
    table = layout(["system", metric, ...tail, "vs best (paired, Holm)"], rows);
  }
  if (method !== undefined) {
    const within = model.budgets.length > 0 ? " within each budget" : "";
    table.push("", `* significant at ${alpha} after Holm${within}; test: ${method}`);
  }
  table.push(`95% CI: ${model.intervalMethod}`);
  return table.join("\n");
}
