import type { JsonValue } from "../tracker/types.js";
import type { Estimate } from "./figure-spec.js";
import { formatP } from "./figures/forest-plot.js";
import type { ReportModel } from "./report-model.js";

/** A number with 3 decimals (or an integer as is); "n/a" for missing or non-finite values. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  if (Number.isInteger(value) && Math.abs(value) >= 1) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(3);
}

/** "0.912 [0.900, 0.925]": a mean with its 95% CI. */
export function formatEstimate(estimate: Estimate | undefined): string {
  if (estimate === undefined) return "n/a";
  if (estimate.n < 2) return formatNumber(estimate.mean);
  return `${formatNumber(estimate.mean)} [${formatNumber(estimate.low)}, ${formatNumber(estimate.high)}]`;
}

/** A hyperparameter value as short text. */
export function formatParam(value: JsonValue | undefined): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Hyperparameters as "name=value, ..." in key order. */
export function formatParams(params: Record<string, JsonValue>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${key}=${formatParam(params[key])}`)
    .join(", ");
}

export { formatP };

/**
 * The report's answer in plain words: which system is best on the selection metric, by how much,
 * and whether the difference to each other system survives the Holm correction.
 */
export function headline(model: ReportModel): string[] {
  const tests = model.tests;
  const bestRow = model.results.find((row) => row.system === tests?.best) ?? model.results[0];
  if (!bestRow) return ["No finished runs were found for this study, so there is nothing to compare yet."];
  const best = bestRow.metrics[model.metric];
  const seeds = best?.n ?? 0;
  const lines = [
    `Best on ${model.metric}: ${bestRow.system} with ${formatEstimate(best)} (mean [95% CI] over ${seeds} seed${seeds === 1 ? "" : "s"}).`,
  ];
  for (const comparison of tests?.comparisons ?? []) {
    const verdict = comparison.significant
      ? `a significant difference at α = ${tests?.alpha ?? 0.05} after Holm correction`
      : `not significant at α = ${tests?.alpha ?? 0.05} after Holm correction`;
    lines.push(
      `${comparison.system}: ${formatNumber(comparison.difference)} [${formatNumber(comparison.low)}, ${formatNumber(comparison.high)}] vs ${bestRow.system}, Holm p = ${formatP(comparison.pAdjusted)} (${verdict}).`,
    );
  }
  return [...lines, ...budgetAnswer(model)];
}

/** The significance-test table (header and one row per comparison), shared by the HTML and Markdown reports. */
export function significanceTable(tests: NonNullable<ReportModel["tests"]>): {
  header: string[];
  rows: string[][];
} {
  return {
    header: ["system", `difference vs ${tests.best}`, "95% CI", "p", "Holm p", "significant"],
    rows: tests.comparisons.map((c) => [
      c.system,
      formatNumber(c.difference),
      `[${formatNumber(c.low)}, ${formatNumber(c.high)}]`,
      formatP(c.p),
      formatP(c.pAdjusted),
      c.significant ? "yes" : "no",
    ]),
  };
}

/** The regression test-error table (header and one row per system), shared by the HTML and Markdown reports. */
export function predictionErrorsTable(rows: ReportModel["predictionErrors"]): {
  header: string[];
  rows: string[][];
} {
  return {
    header: ["system", "test predictions", "MAE", "median |error|", "mean residual", "largest error"],
    rows: rows.map((row) => {
      const w = row.worst;
      const seed = w?.seed === null || w?.seed === undefined ? "" : ` (seed ${w.seed})`;
      return [
        row.system,
        String(row.n),
        formatNumber(row.mae),
        formatNumber(row.medianAbsoluteError),
        formatNumber(row.meanResidual),
        w
          ? `${w.id}${seed}: actual ${formatNumber(w.actual)}, predicted ${formatNumber(w.predicted)}`
          : "n/a",
      ];
    }),
  };
}

/** The dataset table (one row), shared by the HTML and Markdown reports. */
export function datasetTable(d: NonNullable<ReportModel["dataset"]>): { header: string[]; rows: string[][] } {
  return {
    header: ["dataset", "task", "rows", "labels", "source", "fingerprint"],
    rows: [[d.name, d.task, String(d.rows), d.labels.join(", ") || "—", d.source, d.fingerprint]],
  };
}

/** Each seed's split (sizes, update pool, fingerprint), shared by the HTML and Markdown reports. */
export function splitsTable(splits: ReportModel["splits"]): { header: string[]; rows: string[][] } {
  return {
    header: ["seed", "strategy", "train", "val", "test", "update", "split fingerprint"],
    rows: splits.map((s) => [
      String(s.seed),
      s.by ? `${s.strategy} by ${s.by}` : s.strategy,
      formatNumber(s.sizes.train),
      formatNumber(s.sizes.val),
      formatNumber(s.sizes.test),
      s.sizes.update === undefined ? "—" : formatNumber(s.sizes.update),
      s.fingerprints.split ?? "",
    ]),
  };
}

/** Each system, its kind, runs and the hyperparameters chosen on validation, shared by both reports. */
export function systemsTable(systems: ReportModel["systems"]): { header: string[]; rows: string[][] } {
  return {
    header: ["system", "kind", "swept", "runs", "hyperparameters (selected on validation)"],
    rows: systems.map((s) => [
      s.name,
      s.kind,
      s.swept ? "yes" : "no",
      String(s.runs),
      formatParams(s.params),
    ]),
  };
}

/** "8 labels", "all labels". */
function budgetName(budget: string): string {
  return `${budget} label${budget === "1" ? "" : "s"}`;
}

function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * A learning curve's answer in words: per budget, the best system and which differences to it survive
 * Holm (within the budget); per system, the budgets where it ranks first and where it peaks.
 */
export function budgetAnswer(model: ReportModel): string[] {
  if (model.budgets.length === 0) return [];
  const lines: string[] = [];
  const wins = new Map<string, string[]>();
  const peaks = new Map<string, { budget: string; mean: number }>();
  for (const b of model.budgets) {
    const best = b.rows[0];
    const estimate = best?.metrics[model.metric];
    if (!best || !estimate) continue;
    wins.set(best.system, [...(wins.get(best.system) ?? []), b.budget]);
    for (const row of b.rows) {
      const mean = row.metrics[model.metric]?.mean;
      if (mean === undefined) continue;
      const peak = peaks.get(row.system);
      const better = peak === undefined || (model.higherIsBetter ? mean > peak.mean : mean < peak.mean);
      if (better) peaks.set(row.system, { budget: b.budget, mean });
    }
    const comparisons = b.tests?.comparisons ?? [];
    const significant = comparisons.filter((c) => c.significant).map((c) => c.system);
    const not = comparisons.filter((c) => !c.significant).map((c) => c.system);
    const verdicts = [
      significant.length > 0 ? `significantly ahead of ${joinWords(significant)}` : "",
      not.length > 0 ? `not significantly different from ${joinWords(not)}` : "",
    ].filter((text) => text !== "");
    lines.push(
      `At ${budgetName(b.budget)}: ${best.system} is best with ${formatEstimate(estimate)}${verdicts.length > 0 ? `, ${verdicts.join("; ")}` : ""}${b.tests ? ` (paired tests, Holm within the budget, α = ${b.tests.alpha})` : " (no paired tests)"}.`,
    );
  }
  const systems = [...new Set(model.budgets.flatMap((b) => b.rows.map((row) => row.system)))];
  for (const system of systems) {
    const won = wins.get(system);
    const peak = peaks.get(system);
    lines.push(
      `${system} across budgets: ${won ? `best system at ${joinWords(won.map(budgetName))}` : "best system at no budget"}; its own best ${model.metric} is at ${peak ? `${budgetName(peak.budget)} (${formatNumber(peak.mean)})` : "no budget"}.`,
    );
  }
  return lines;
}

/** A learning curve's results by budget (one row per budget × system), shared by both reports. */
export function budgetTable(model: ReportModel): { header: string[]; rows: string[][] } {
  return {
    header: [
      "labels",
      "system",
      `${model.metric} mean [95% CI]`,
      "seed std",
      "seeds",
      "vs best at this budget",
      "95% CI",
      "Holm p",
      "significant",
    ],
    rows: model.budgets.flatMap((b) => {
      const comparisons = new Map((b.tests?.comparisons ?? []).map((c) => [c.system, c]));
      return b.rows.map((row, index) => {
        const estimate = row.metrics[model.metric];
        const c = comparisons.get(row.system);
        return [
          b.budget,
          row.system,
          formatEstimate(estimate),
          formatNumber(estimate?.std),
          String(estimate?.n ?? 0),
          index === 0 ? "best" : c ? formatNumber(c.difference) : "not tested",
          c ? `[${formatNumber(c.low)}, ${formatNumber(c.high)}]` : "",
          c ? formatP(c.pAdjusted) : "",
          c ? (c.significant ? "yes" : "no") : "",
        ];
      });
    }),
  };
}
