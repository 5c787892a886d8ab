import { type ComparedMetric, compareSystems, type NamedComparison } from "../../stats/index.js";
import type { SignificanceTests } from "../report-model.js";
import type { MetricContext } from "./holdout-metric.js";
import type { ResultRun } from "./load-study.js";

const resamples = 1000;
const alpha = 0.05;
const comparable = new Set<string>(["f1", "f1_macro", "accuracy", "mae", "rmse", "r2"]);

function testPredictions(
  runs: readonly ResultRun[],
  group: string,
): Map<string, { truth: string | number; pred: string | number }> {
  const byKey = new Map<string, { truth: string | number; pred: string | number }>();
  for (const run of runs) {
    if (run.group !== group) continue;
    for (const p of run.predictions) {
      if (p.split === "test") byKey.set(`${run.seed ?? 0}\u0000${p.id}`, { truth: p.y_true, pred: p.y_pred });
    }
  }
  return byKey;
}

/**
 * Compares every group with the best one (`groups[0]`) on the test examples both predicted, paired by
 * seed and example id and pooled over seeds (stats' `compareSystems`: paired-bootstrap CI of the
 * difference, approximate-randomisation p-value, Holm–Bonferroni across the comparisons).
 */
export function significanceTests(
  runs: readonly ResultRun[],
  groups: readonly string[],
  context: MetricContext,
  seed = 0,
): { tests: SignificanceTests | null; warnings: string[] } {
  const best = groups[0];
  if (best === undefined || groups.length < 2) return { tests: null, warnings: [] };
  if (!comparable.has(context.base)) {
    return {
      tests: null,
      warnings: [`No significance tests: the metric "${context.base}" cannot be compared per example.`],
    };
  }
  const warnings: string[] = [];
  const reference = testPredictions(runs, best);
  if (reference.size === 0) {
    return {
      tests: null,
      warnings: [`No significance tests: ${best} has no per-example test predictions (predictions.jsonl).`],
    };
  }
  const comparisons: NamedComparison[] = [];
  for (const group of groups.slice(1)) {
    const yTrue: (string | number)[] = [];
    const predA: (string | number)[] = [];
    const predB: (string | number)[] = [];
    for (const [key, value] of testPredictions(runs, group)) {
      const match = reference.get(key);
      if (!match) continue;
      yTrue.push(value.truth);
      predA.push(value.pred);
      predB.push(match.pred);
    }
    if (yTrue.length === 0) {
      warnings.push(`${group}: no test predictions shared with ${best}, so it is not tested.`);
      continue;
    }
    const comparison: NamedComparison = {
      name: group,
      yTrue,
      predA,
      predB,
      task: context.task === "regression" ? "regression" : "classification",
      seed,
      metric: context.base as ComparedMetric,
      resamples,
    };
    if (context.labels.length > 0) comparison.labels = context.labels;
    if (context.positiveLabel !== undefined) comparison.positiveLabel = context.positiveLabel;
    comparisons.push(comparison);
  }
  const results = compareSystems(comparisons, { test: "permutation" });
  return {
    tests: {
      best,
      metric: `test_${context.base}`,
      method: `paired over the same test examples (per seed, pooled over seeds): difference with a paired-bootstrap 95% CI, p from an approximate randomisation test (${resamples} resamples each)`,
      alpha,
      comparisons: results.map((r) => ({
        system: r.name,
        difference: r.difference,
        low: r.ci.low,
        high: r.ci.high,
        p: r.permutationP,
        pAdjusted: r.adjustedP,
        significant: r.adjustedP < alpha,
      })),
    },
    warnings,
  };
}
