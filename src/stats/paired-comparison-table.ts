import { type PredictionLine, comparePredictionRows } from "./compare-prediction-rows.js";
import { holmBonferroni } from "./holm-bonferroni.js";

/** A run's identity and its per-example predictions (parsed `predictions.jsonl`). */
export interface RunPredictions {
  id: string;
  name: string;
  rows: readonly PredictionLine[];
}

/** A plain table (shape of the tracker's `ComparisonSection`): title, column names, cells. */
export interface PairedComparisonTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/**
 * Paired tests of the first run against each other run on their shared test examples, as one table for
 * `expbook compare`: metric of each, difference with its 95% paired-bootstrap CI, McNemar (classification),
 * permutation p and its Holm-adjusted value across the comparisons. Runs without predictions are skipped.
 */
export function pairedComparisonTable(
  runs: readonly RunPredictions[],
  options: { seed?: number; positiveLabel?: string; resamples?: number } = {},
): PairedComparisonTable | undefined {
  const [first, ...others] = runs.filter((run) => run.rows.some((row) => (row.split ?? "test") === "test"));
  if (!first || others.length === 0) return undefined;
  const results = others.map((other) => ({
    other,
    result: comparePredictionRows(first.rows, other.rows, {
      seed: options.seed ?? 0,
      ...(options.positiveLabel !== undefined ? { positiveLabel: options.positiveLabel } : {}),
      ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    }),
  }));
  const adjusted = holmBonferroni(results.map(({ result }) => result.permutationP));
  const round = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(4)) : null);
  return {
    title: `paired tests on shared test examples: ${first.name} (${first.id}) vs each run`,
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
