import { runTag, stageOf } from "../tracker/records/index.js";
import type { JsonValue, RunRecord } from "../tracker/types.js";
import { seedIntervalMethod } from "../stats/index.js";
import { budgetResults } from "./model/budget-results.js";
import { sampleErrors } from "./model/error-sample.js";
import { hyperparameters } from "./model/hyperparameters.js";
import { inferPositiveLabel, type MetricContext } from "./model/holdout-metric.js";
import { type LoadedStudy, loadStudy, type ResultRun, systemOf } from "./model/load-study.js";
import type { ReportTracker } from "./model/report-tracker.js";
import { withCitedSnippets } from "./model/cited-snippets.js";
import { predictionErrorRows, testPredictionsByGroup } from "./model/prediction-errors.js";
import { reproducibilityOf } from "./model/reproducibility.js";
import { metricColumns, resultsTable } from "./model/results-table.js";
import { significanceTests } from "./model/significance.js";
import { studyFigures } from "./model/study-figures.js";
import { selectionMetric } from "./model/selection-metric.js";
import type { ErrorExample, ReportModel, ReportRun, ReportSplit, ReportSystem } from "./report-model.js";

/** Options of `buildReport`. */
export interface BuildReportOptions {
  /** Test errors shown in the citation browser (default 20). */
  maxErrors?: number;
  /** Seed of the error sample and the bootstrap (default 0). */
  seed?: number;
  /** Timestamp printed in the report (default: now). */
  now?: Date;
}

function metricContext(study: LoadedStudy, task: string, base: string): MetricContext {
  const dataset = study.record?.dataset;
  const labels = dataset?.labels ?? [];
  const context: MetricContext = { task, base, labels };
  if (dataset?.positiveLabel !== undefined) {
    context.positiveLabel = dataset.positiveLabel;
  } else if (task !== "regression" && labels.length === 2) {
    const run = study.results.find(
      (r) => typeof r.record.summary.test_f1 === "number" && r.predictions.length > 0,
    );
    if (run) {
      const test = run.predictions.filter((p) => p.split === "test");
      const positive = inferPositiveLabel(
        labels,
        test.map((p) => String(p.y_true)),
        test.map((p) => String(p.y_pred)),
        run.record.summary.test_f1 as number,
      );
      if (positive !== undefined) context.positiveLabel = positive;
    }
  }
  return context;
}

/** The selected hyperparameters of a system; values that differ between seeds are listed per seed. */
function chosenParams(runs: readonly RunRecord[]): Record<string, JsonValue> {
  const chosen: Record<string, JsonValue> = {};
  const keys = [...new Set(runs.flatMap((run) => Object.keys(hyperparameters(run.params))))].sort();
  for (const key of keys) {
    const values = [...new Set(runs.map((run) => JSON.stringify(run.params[key] ?? null)))];
    chosen[key] =
      values.length === 1
        ? (runs[0]?.params[key] ?? null)
        : runs.map((run) => `seed ${run.seed ?? "?"}: ${JSON.stringify(run.params[key] ?? null)}`).join("; ");
  }
  return chosen;
}

function systemsOf(study: LoadedStudy): ReportSystem[] {
  const defined = study.record?.study.systems ?? [];
  const names = [...new Set([...defined.map((s) => s.name), ...study.results.map((r) => r.system)])];
  return names.map((name) => {
    const definition = defined.find((s) => s.name === name);
    const finals = study.results.filter((r) => r.system === name).map((r) => r.record);
    const all = study.allRuns.filter((run) => systemOf(run) === name && stageOf(run) !== "study");
    const kind = definition?.kind ?? String(finals[0]?.params.kind ?? "");
    return {
      name,
      kind,
      params: finals.length > 0 ? chosenParams(finals) : (definition?.params ?? {}),
      swept:
        definition?.sweep !== undefined ||
        study.trials.filter((run) => systemOf(run) === name).length > finals.length,
      runs: all.length,
    };
  });
}

function splitsOf(study: LoadedStudy): ReportSplit[] {
  return (study.record?.splits ?? []).map(({ seed, info }) => {
    const split: ReportSplit = {
      seed,
      strategy: String(info.strategy ?? ""),
      sizes: { ...(info.sizes ?? {}) } as Record<string, number>,
      fingerprints: { ...(info.fingerprints ?? {}) },
    };
    if (info.by !== undefined) split.by = info.by;
    return split;
  });
}

function runIndex(runs: readonly RunRecord[]): ReportRun[] {
  return runs.map((run) => ({
    id: run.id,
    name: run.name,
    system: stageOf(run) === "study" ? "" : systemOf(run),
    stage: String(run.tags[runTag.stage] ?? ""),
    seed: run.seed,
    status: run.status,
    note: run.note,
    params: hyperparameters(run.params),
  }));
}

/**
 * Builds a study report's model from the tracker: question, data and splits, systems and chosen
 * hyperparameters, results with 95% CIs over seeds (inside each metric's range), Holm-corrected tests
 * against the best system, for learning curves the same per training budget,
 * figures, a sample of errors with citations, and what is needed to reproduce it.
 * @example const model = await buildReport(openTracker(".expbook"), "spam-ft-vs-rag");
 */
export async function buildReport(
  tracker: ReportTracker,
  experiment: string,
  options: BuildReportOptions = {},
): Promise<ReportModel> {
  const study = await loadStudy(tracker, experiment);
  const definition = study.record?.study;
  const task =
    study.record?.dataset?.task ??
    (study.results.some((r) => typeof r.record.summary.test_mae === "number")
      ? "regression"
      : "classification");
  const { base, higherIsBetter } = definition
    ? selectionMetric(definition, task)
    : { base: task === "regression" ? "mae" : "f1", higherIsBetter: task !== "regression" };
  const primary = `test_${base}`;
  const columns = metricColumns(task, base);
  const rows = resultsTable(study.results, columns, primary, higherIsBetter);
  const context = metricContext(study, task, base);
  const seed = options.seed ?? 0;
  const { tests, warnings: testWarnings } = significanceTests(
    study.results,
    rows.filter((row) => row.metrics[primary] !== undefined).map((row) => row.system),
    context,
    seed,
  );
  const curve = budgetResults(study.learningCurve, context, primary, higherIsBetter, seed);
  const regression =
    task === "regression"
      ? testPredictionsByGroup(
          study.results,
          rows.map((row) => row.system),
        )
      : [];
  const sampled = sampleErrors(study.results, task, options.maxErrors ?? 20, seed);
  const errors = await errorsWithSnippets(tracker, study.results, sampled.errors);
  const total = sampled.total;
  // The runs behind the numbers: the study run, its sweep trials and the result runs.
  const used = [
    ...(study.studyRun ? [study.studyRun] : []),
    ...study.trials,
    ...study.results.map((r) => r.record),
  ];
  const reproducibility = reproducibilityOf(used, study.record);
  const warnings = [...study.warnings, ...testWarnings, ...curve.warnings];
  if (reproducibility.dirty)
    warnings.push("Some runs were recorded from a git tree with uncommitted changes.");
  if (reproducibility.seeds.length > 0 && reproducibility.seeds.length < 3) {
    warnings.push(`Only ${reproducibility.seeds.length} seed(s): intervals over seeds are wide or missing.`);
  }
  return {
    experiment,
    question: definition?.question ?? `Which system does best on ${experiment}?`,
    generatedAt: (options.now ?? new Date()).toISOString(),
    metric: primary,
    higherIsBetter,
    dataset: study.record?.dataset
      ? {
          name: study.record.dataset.name,
          task: study.record.dataset.task,
          rows: study.record.dataset.rows,
          labels: study.record.dataset.labels,
          fingerprint: study.record.dataset.fingerprint,
          source: study.record.dataset.source,
        }
      : null,
    splits: splitsOf(study),
    systems: systemsOf(study),
    metricColumns: columns,
    results: rows,
    tests,
    intervalMethod: seedIntervalMethod,
    budgets: curve.budgets,
    figures: studyFigures({
      study,
      rows,
      tests,
      context,
      primary,
      slices: definition?.slices ?? [],
      regression,
    }),
    predictionErrors: predictionErrorRows(regression),
    errors,
    errorsTotal: total,
    runs: runIndex(study.allRuns),
    reproducibility,
    warnings,
  };
}

/** The sampled errors with their citations' snippets read from each run's knowledge base (by id). */
async function errorsWithSnippets(
  tracker: ReportTracker,
  results: readonly ResultRun[],
  errors: readonly ErrorExample[],
): Promise<ErrorExample[]> {
  const resolved = new Map<ErrorExample, ErrorExample>();
  for (const result of results) {
    const own = errors.filter((error) => error.runId === result.record.id);
    const filled = await withCitedSnippets(tracker, result.record, own);
    for (const [i, error] of own.entries()) resolved.set(error, filled[i] ?? error);
  }
  return errors.map((error) => resolved.get(error) ?? error);
}
