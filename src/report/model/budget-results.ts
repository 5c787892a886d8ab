import type { BudgetResults } from "../report-model.js";
import type { MetricContext } from "./holdout-metric.js";
import type { LearningCurveRun, ResultRun } from "./load-study.js";
import { systemOf } from "./load-study.js";
import { resultsTable } from "./results-table.js";
import { significanceTests } from "./significance.js";

/** Budgets in the order a learning curve grows: sizes ascending, "all" last. */
function budgetOrder(points: readonly LearningCurveRun[]): { budget: string; labelled: number }[] {
  const byBudget = new Map<string, number>();
  for (const point of points) byBudget.set(point.budget, point.labelled);
  return [...byBudget.entries()]
    .map(([budget, labelled]) => ({ budget, labelled }))
    .sort((a, b) => (a.budget === "all" ? 1 : b.budget === "all" ? -1 : Number(a.budget) - Number(b.budget)));
}

/**
 * A learning-curve study's results by training budget: per budget, every system's mean, seed std and
 * 95% interval over seeds (best first), and paired tests of each system against that budget's best,
 * Holm-corrected within the budget (the family is one budget's comparisons: a reader asks "who wins at
 * 32 labels?", not a question across budgets). Empty for studies without a learning curve.
 */
export function budgetResults(
  points: readonly LearningCurveRun[],
  context: MetricContext,
  primary: string,
  higherIsBetter: boolean,
  seed = 0,
): { budgets: BudgetResults[]; warnings: string[] } {
  const warnings: string[] = [];
  const budgets = budgetOrder(points).map(({ budget, labelled }) => {
    const runs: ResultRun[] = points
      .filter((point) => point.budget === budget)
      .map((point) => ({
        record: point.run,
        system: systemOf(point.run),
        group: systemOf(point.run),
        seed: point.run.seed,
        series: {},
        predictions: point.predictions,
      }));
    const rows = resultsTable(runs, [primary], primary, higherIsBetter);
    const tested = significanceTests(
      runs,
      rows.filter((row) => row.metrics[primary] !== undefined).map((row) => row.system),
      context,
      seed,
    );
    warnings.push(...tested.warnings.map((warning) => `At ${budget} labels: ${warning}`));
    return { budget, labelled, rows, tests: tested.tests };
  });
  return { budgets, warnings };
}
