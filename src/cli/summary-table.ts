import type { ReportModel } from "../report/report-model.js";

function fixed(value: number | undefined, digits = 4): string {
  return value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/**
 * The study summary a terminal shows: per system the test metric's mean with its 95% CI over seeds,
 * and the paired test against the best system (difference, Holm-adjusted p).
 */
export function summaryTable(model: ReportModel): string {
  const metric = model.metric;
  const comparisons = new Map((model.tests?.comparisons ?? []).map((c) => [c.system, c]));
  const header = ["system", metric, "95% CI (seeds)", "seeds", "vs best (paired, Holm)"];
  const rows = model.results.map((row) => {
    const estimate = row.metrics[metric];
    const comparison = comparisons.get(row.system);
    const versus =
      row.system === model.tests?.best
        ? "best"
        : comparison
          ? `Δ ${comparison.difference >= 0 ? "+" : ""}${fixed(comparison.difference)}  p_holm ${comparison.pAdjusted < 0.001 ? "<0.001" : fixed(comparison.pAdjusted, 3)}${comparison.significant ? " *" : ""}`
          : "";
    return [
      row.system,
      fixed(estimate?.mean),
      estimate && Number.isFinite(estimate.low) ? `[${fixed(estimate.low)}, ${fixed(estimate.high)}]` : "–",
      String(estimate?.n ?? 0),
      versus,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => pad(cell, widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  const table = [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
  if (model.tests)
    table.push("", `* significant at ${model.tests.alpha} after Holm; test: ${model.tests.method}`);
  return table.join("\n");
}
