import { scoreClassification } from "../metrics/score-summary.js";
import { uniqueLabels } from "../metrics/validate.js";
import type { ComparedMetric } from "../stats/compare-paired.js";
import { holmBonferroni } from "../stats/holm-bonferroni.js";
import { comparePredictionRows, type PairedRow } from "./compare-prediction-rows.js";

/** A run's identity and its per-example predictions (parsed `predictions.jsonl`). */
export interface RunPredictions {
  id: string;
  name: string;
  rows: readonly PairedRow[];
  /** The run's summary: `positive_label` and `test_f1` tell which F1 the run's `f1` is. */
  summary?: Readonly<Record<string, unknown>>;
}

/** A plain table (shape of the tracker's `ComparisonSection`): title, column names, cells. */
export interface PairedComparisonTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** The compared metric, named as runs record it, and what it means in words. */
interface MetricChoice {
  metric: ComparedMetric;
  positiveLabel?: string;
  meaning: string;
}

/**
 * Which F1 the runs' `test_f1` is: the positive class a run records (`positive_label`), else the class
 * whose binary F1 over a run's test predictions reproduces its recorded `test_f1`. Without either, the
 * comparison uses `f1_macro` and says so: a paired table never calls macro F1 "f1" when a run's `f1` is
 * the positive class's.
 */
function classificationMetric(runs: readonly RunPredictions[], given?: string): MetricChoice {
  const recorded = runs
    .map((run) => run.summary?.positive_label)
    .find((label): label is string => typeof label === "string");
  const positive = given ?? recorded ?? inferPositive(runs);
  if (positive !== undefined) {
    return {
      metric: "f1",
      positiveLabel: positive,
      meaning: `f1 = binary F1 of the positive class "${positive}", as in each run's test_f1`,
    };
  }
  return {
    metric: "f1_macro",
    meaning: "f1_macro = macro-averaged F1, as in each run's test_f1_macro (no positive class is known)",
  };
}

function inferPositive(runs: readonly RunPredictions[]): string | undefined {
  for (const run of runs) {
    const recordedF1 = run.summary?.test_f1;
    if (typeof recordedF1 !== "number") continue;
    const test = run.rows.filter((row) => (row.split ?? "test") === "test");
    const yTrue = test.map((row) => String(row.y_true));
    const yPred = test.map((row) => String(row.y_pred));
    const labels = uniqueLabels(yTrue, yPred);
    if (labels.length !== 2) continue;
    const macro = scoreClassification(yTrue, yPred, { labels }).f1_macro;
    const found = labels.find(
      (label) =>
        Math.abs(scoreClassification(yTrue, yPred, { labels, positiveLabel: label }).f1 - recordedF1) < 1e-9,
    );
    if (found !== undefined && Math.abs(macro - recordedF1) >= 1e-9) return found;
  }
  return undefined;
}

/**
 * Paired tests of the first run against each other run on their shared test examples, as one table for
 * `expbook compare`: metric of each, difference with its 95% paired-bootstrap CI, McNemar (classification),
 * permutation p and its Holm-adjusted value across the comparisons. Runs without predictions are skipped.
 * The metric is named as the runs' summaries name it (`f1` is the runs' `test_f1`) and the title says
 * which it is.
 */
export function pairedComparisonTable(
  runs: readonly RunPredictions[],
  options: { seed?: number; positiveLabel?: string; resamples?: number } = {},
): PairedComparisonTable | undefined {
  const withTest = runs.filter((run) => run.rows.some((row) => (row.split ?? "test") === "test"));
  const [first, ...others] = withTest;
  if (!first || others.length === 0) return undefined;
  const regression = first.rows.every((row) => typeof row.y_true === "number");
  const choice: MetricChoice = regression
    ? { metric: "mae", meaning: "mae = mean absolute error, as in each run's test_mae" }
    : classificationMetric(withTest, options.positiveLabel);
  const results = others.map((other) => ({
    other,
    result: comparePredictionRows(first.rows, other.rows, {
      seed: options.seed ?? 0,
      metric: choice.metric,
      ...(choice.positiveLabel !== undefined ? { positiveLabel: choice.positiveLabel } : {}),
      ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    }),
  }));
  const adjusted = holmBonferroni(results.map(({ result }) => result.permutationP));
  const round = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(4)) : null);
  return {
    title: `paired tests on shared test examples: ${first.name} (${first.id}) vs each run; metric ${choice.meaning}`,
    columns: ["vs run", "n", "metric", "A", "B", "A − B", "95% CI", "McNemar p", "permutation p", "Holm p"],
    rows: results.map(({ other, result }, i) => [
      `${other.name} (${other.id})`,
      result.n,
      result.metric,
      round(result.a),
      round(result.b),
      round(result.difference),
      `[${round(result.ci.low)}, ${round(result.ci.high)}]`,
      result.mcnemar ? round(result.mcnemar.pValue) : null,
      round(result.permutationP),
      round(adjusted[i] as number),
    ]),
  };
}
