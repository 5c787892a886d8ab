import type { AdjustedComparison } from "../../stats/index.js";
import { InputError } from "../../util/errors.js";
import { forestPlotFigure, formatP } from "../figures/forest-plot.js";
import { metricBarsFigure } from "../figures/metric-bars.js";
import { formatEstimate, formatNumber } from "../format.js";
import { inferPositiveLabel, type MetricContext } from "../model/holdout-metric.js";
import type { ResultRun } from "../model/load-study.js";
import { resultsTable } from "../model/results-table.js";
import { significanceTests } from "../model/significance.js";
import { notesBundle, type NotebookOutput } from "./run-views.js";
import { tableBundle } from "./table-bundle.js";

const lowerIsBetter = /(^|_)(mae|mse|rmse|loss|error|mape)$/;

function metricContext(runs: readonly ResultRun[], metric: string): MetricContext {
  const base = metric.replace(/^(test|val)_/, "");
  const test = runs.flatMap((run) => run.predictions.filter((p) => p.split === "test"));
  const regression =
    test.some((p) => typeof p.y_true === "number") || runs.some((r) => "test_mae" in r.record.summary);
  if (regression) return { task: "regression", base, labels: [] };
  const labels = [...new Set(test.flatMap((p) => [String(p.y_true), String(p.y_pred)]))].sort();
  const context: MetricContext = { task: "classification", base, labels };
  const recorded = runs.map((run) => run.record.summary.positive_label).find((v) => typeof v === "string");
  if (typeof recorded === "string") {
    context.positiveLabel = recorded;
  } else {
    // Older runs do not record the positive class: find the one whose F1 gives the recorded test_f1.
    const run = runs.find((r) => typeof r.record.summary.test_f1 === "number" && r.predictions.length > 0);
    const own = run?.predictions.filter((p) => p.split === "test") ?? [];
    const positive = run
      ? inferPositiveLabel(
          labels,
          own.map((p) => String(p.y_true)),
          own.map((p) => String(p.y_pred)),
          run.record.summary.test_f1 as number,
        )
      : undefined;
    if (positive !== undefined) context.positiveLabel = positive;
  }
  return context;
}

/**
 * Systems compared on a summary metric: the mean over each system's runs (seeds) with its 95%
 * t-interval, and every system against the best on the same test examples (paired bootstrap CI,
 * approximate-randomisation p, Holm correction), as the study report computes them; a forest plot of
 * the differences (bars of the means when there is nothing to pair).
 */
export function compareView(runs: readonly ResultRun[], metric: string, seed = 0): NotebookOutput[] {
  const higherIsBetter = !lowerIsBetter.test(metric);
  const rows = resultsTable(runs, [metric], metric, higherIsBetter);
  const scored = rows.filter((row) => row.metrics[metric] !== undefined);
  if (scored.length === 0) {
    const keys = [...new Set(runs.flatMap((run) => Object.keys(run.record.summary)))].sort();
    throw new InputError(`no run has a summary "${metric}"; they have: ${keys.join(", ")}`);
  }
  const context = metricContext(runs, metric);
  const { tests, warnings } = significanceTests(
    runs,
    scored.map((row) => row.system),
    context,
    seed,
  );
  const byName = new Map(tests?.comparisons.map((c) => [c.system, c]) ?? []);
  const table = tableBundle(
    {
      columns: [
        "system",
        `${metric} (mean [95% CI])`,
        "runs",
        `difference vs ${scored[0]?.system}`,
        "95% CI",
        "p",
        "Holm p",
      ],
      rows: scored.map((row) => {
        const estimate = row.metrics[metric];
        const c = byName.get(row.system);
        return [
          row.system,
          formatEstimate(estimate),
          estimate?.n ?? 0,
          c ? formatNumber(c.difference) : row === scored[0] ? "best" : "",
          c ? `[${formatNumber(c.low)}, ${formatNumber(c.high)}]` : "",
          c ? formatP(c.p) : "",
          c ? `${formatP(c.pAdjusted)}${c.significant ? " *" : ""}` : "",
        ];
      }),
    },
    {
      caption: `${metric} (${higherIsBetter ? "higher" : "lower"} is better): mean [95% CI] over runs (seeds); each system against the best on the same test examples: paired-bootstrap CI, approximate-randomisation p, Holm`,
    },
  );
  const figure =
    tests && tests.comparisons.length > 0
      ? forestPlotFigure(tests.comparisons, tests.best, tests.metric)
      : metricBarsFigure(
          scored.flatMap((row) => {
            const estimate = row.metrics[metric];
            return estimate ? [{ system: row.system, estimate }] : [];
          }),
          metric,
        );
  return [{ bundle: table }, { figure }, ...notesBundle(warnings)];
}

/**
 * Paired comparisons already computed (`compareSystems`): a table and the forest plot of each
 * difference `metric(predA) − metric(predB)` with its CI and Holm-adjusted p. Name each comparison
 * after system A and pass system B, the reference, as `reference`.
 */
export function comparisonsView(
  results: readonly AdjustedComparison[],
  reference: string,
  metric: string,
): NotebookOutput[] {
  if (results.length === 0) throw new InputError("no comparisons given: pass compareSystems(...)'s result");
  const table = tableBundle({
    columns: [
      "system",
      `${metric} − ${metric}(${reference})`,
      "95% CI",
      "McNemar b/c",
      "McNemar p",
      `${results[0]?.test ?? "permutation"} p`,
      "Holm p",
    ],
    rows: results.map((r) => [
      r.name,
      formatNumber(r.difference),
      `[${formatNumber(r.ci.low)}, ${formatNumber(r.ci.high)}]`,
      r.mcnemar ? `${r.mcnemar.b}/${r.mcnemar.c}` : "",
      r.mcnemar ? formatP(r.mcnemar.pValue) : "",
      formatP(
        r.test === "bootstrap"
          ? r.bootstrapP
          : r.test === "mcnemar"
            ? (r.mcnemar?.pValue ?? Number.NaN)
            : r.permutationP,
      ),
      formatP(r.adjustedP),
    ]),
  });
  const figure = forestPlotFigure(
    results.map((r) => ({
      system: r.name,
      difference: r.difference,
      low: r.ci.low,
      high: r.ci.high,
      pAdjusted: r.adjustedP,
    })),
    reference,
    metric,
  );
  return [{ bundle: table }, { figure }];
}
