import { confusionMatrix } from "../../metrics/index.js";
import { sliceMetrics } from "../../stats/index.js";
import type { ReportFigure } from "../figure-spec.js";
import { absoluteErrorsFigure } from "../figures/absolute-errors.js";
import { confusionMatrixFigure } from "../figures/confusion-matrix.js";
import { type FeedbackCurvePoint, feedbackCurveFigure } from "../figures/feedback-curve.js";
import { forestPlotFigure } from "../figures/forest-plot.js";
import { freshnessFigure, type FreshnessRow } from "../figures/freshness.js";
import { type LearningCurvePoint, learningCurveFigure } from "../figures/learning-curve.js";
import { lossCurvesFigure } from "../figures/loss-curves.js";
import { metricBarsFigure } from "../figures/metric-bars.js";
import { parallelCoordinatesFigure } from "../figures/parallel-coordinates.js";
import { predictedVsActualFigure } from "../figures/predicted-vs-actual.js";
import type { SystemPredictions } from "../figures/regression-predictions.js";
import { type SliceValue, sliceMetricsFigure } from "../figures/slice-metrics.js";
import type { RunRecord } from "../../tracker/types.js";
import type { ResultRow, SignificanceTests } from "../report-model.js";
import { type MetricContext, scoreValues } from "./holdout-metric.js";
import { familyOf, kbStateOf, type LoadedStudy, systemOf } from "./load-study.js";
import { hyperparameters } from "./hyperparameters.js";
import { estimateOf } from "./results-table.js";

/** Inputs to the figures of a study report. */
export interface StudyFigureInputs {
  study: LoadedStudy;
  rows: ResultRow[];
  tests: SignificanceTests | null;
  context: MetricContext;
  primary: string;
  slices: readonly string[];
  /** Regression studies: each result group's test predictions pooled over seeds, in results order. */
  regression: readonly SystemPredictions[];
}

/** Points drawn in a predicted-vs-actual figure over all systems; more would bloat the report, not inform it. */
const pointBudget = 1500;

function idFor(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "x"
  );
}

/** The feedback system's runs (kind "feedback") as curve points: one per family and share of traffic. */
function feedbackPoints(records: readonly RunRecord[], primary: string): FeedbackCurvePoint[] {
  const runs = records.filter(
    (run) => run.params.kind === "feedback" && typeof run.params.share === "number",
  );
  const points: FeedbackCurvePoint[] = [];
  for (const key of new Set(runs.map((run) => `${familyOf(run)}\u0000${run.params.share}`))) {
    const [family = "", share = "0"] = key.split("\u0000");
    const group = runs.filter((run) => familyOf(run) === family && String(run.params.share) === share);
    const estimate = estimateOf(group, primary);
    if (!estimate) continue;
    const unchanged = group.every((run) => run.params.use === "none");
    points.push({ family, share: Number(share), estimate, ...(unchanged ? { unchanged } : {}) });
  }
  return points;
}

/** Every figure the study's runs support, in reading order. */
export function studyFigures(inputs: StudyFigureInputs): ReportFigure[] {
  const { study, rows, tests, context, primary } = inputs;
  const figures: ReportFigure[] = [];
  const bars = rows.flatMap((row) => {
    const estimate = row.metrics[primary];
    return estimate ? [{ system: row.system, estimate }] : [];
  });
  if (bars.length > 0) {
    figures.push({
      id: "metric-bars",
      title: `${primary} by system`,
      caption:
        "Mean over seeds; error bars are 95% intervals over seeds, inside the metric's range (see Results). Overlapping bars are not a test: see the forest plot.",
      spec: metricBarsFigure(bars, primary),
    });
  }
  if (tests && tests.comparisons.length > 0) {
    figures.push({
      id: "forest",
      title: `Paired differences vs ${tests.best}`,
      caption:
        "Each point is a system's difference from the best system on the same test examples, with its 95% bootstrap CI; red points stay significant after Holm correction.",
      spec: forestPlotFigure(
        tests.comparisons.map((c) => ({
          system: c.system,
          difference: c.difference,
          low: c.low,
          high: c.high,
          pAdjusted: c.pAdjusted,
        })),
        tests.best,
        tests.metric,
      ),
    });
  }
  const curves = study.results.filter((run) => (run.series.loss?.length ?? 0) > 0);
  if (curves.length > 0) {
    figures.push({
      id: "loss-curves",
      title: "Loss curves",
      caption:
        "Training (solid) and validation (dashed) loss per run of the selected configuration. Validation loss rising while training loss falls is over-fitting.",
      spec: lossCurvesFigure(
        curves.map((run) => ({
          label: `${run.group} seed ${run.seed ?? "?"}`,
          system: run.group,
          loss: run.series.loss ?? [],
          valLoss: run.series.val_loss ?? [],
        })),
        { systemOrder: rows.map((row) => row.system) },
      ),
    });
  }
  const swept = [...new Set(study.trials.map(systemOf))];
  for (const system of swept) {
    const trials = study.trials
      .filter((run) => systemOf(run) === system)
      .flatMap((run) => {
        const metric = run.summary[`val_${context.base}`];
        return typeof metric === "number" ? [{ system, params: hyperparameters(run.params), metric }] : [];
      });
    const varied = new Set(trials.map((trial) => JSON.stringify(trial.params)));
    if (trials.length < 2 || varied.size < 2) continue;
    figures.push({
      id: `sweep-${idFor(system)}`,
      title: `Hyperparameter sweep: ${system}`,
      caption: `One line per trial (all seeds): the hyperparameters tried and the validation ${context.base} they reached. Drag along an axis to filter.`,
      spec: parallelCoordinatesFigure(trials, `val_${context.base}`),
    });
  }
  if (study.learningCurve.length > 0) {
    const points: LearningCurvePoint[] = [];
    const keys = new Set(study.learningCurve.map(({ run, labelled }) => `${systemOf(run)}\u0000${labelled}`));
    for (const key of keys) {
      const [system = "", n = "0"] = key.split("\u0000");
      const runs = study.learningCurve
        .filter(({ run, labelled }) => systemOf(run) === system && String(labelled) === n)
        .map(({ run }) => run);
      const estimate = estimateOf(runs, primary);
      if (estimate) points.push({ system, labelled: Number(n), estimate });
    }
    figures.push({
      id: "learning-curve",
      title: "Learning curve",
      caption: `${primary} as the number of labelled training examples grows (log scale; the last point is all of them); bands are 95% intervals over seeds, inside the metric's range; the results by budget test the differences.`,
      spec: learningCurveFigure(points, primary),
    });
  }
  const records = study.results.map((run) => run.record);
  if (records.some((run) => kbStateOf(run) === "after")) {
    const freshness: FreshnessRow[] = [];
    for (const family of [...new Set(records.filter((run) => kbStateOf(run)).map(familyOf))]) {
      const state = (s: string) =>
        estimateOf(
          records.filter((run) => familyOf(run) === family && kbStateOf(run) === s),
          primary,
        );
      freshness.push({ system: family, before: state("before"), after: state("after") });
    }
    figures.push({
      id: "freshness",
      title: "Freshness: before and after the knowledge-base update",
      caption:
        "Test metric on the newer period before and after newer documents were added to the knowledge base, without retraining. Systems without an 'after' bar cannot use new documents without retraining.",
      spec: freshnessFigure(freshness, primary),
    });
  }
  const feedback = feedbackPoints(records, primary);
  if (feedback.length > 0) {
    figures.push({
      id: "feedback",
      title: "Learning from feedback",
      caption:
        "Test metric as the share of served traffic with user feedback grows: retrained on train plus the feedback, or with it added to the knowledge base without retraining. Error bars are 95% intervals over seeds; the dashed line is the served model unchanged; the paired tests are in Results.",
      spec: feedbackCurveFigure(feedback, primary),
    });
  }
  const groups = rows.map((row) => row.system);
  // Slices of a classification task often hold one class only (easy-ham has no spam), where F1 of the
  // positive class is undefined; accuracy stays meaningful there, so slices use it.
  const sliceContext: MetricContext =
    context.task === "regression" ? context : { ...context, base: "accuracy" };
  for (const slice of inputs.slices) {
    const values: SliceValue[] = [];
    for (const group of groups) {
      const predictions = study.results
        .filter((run) => run.group === group)
        .flatMap((run) => run.predictions.filter((p) => p.split === "test"));
      const metric = (members: typeof predictions) =>
        scoreValues(
          sliceContext,
          members.map((p) => p.y_true),
          members.map((p) => p.y_pred),
        );
      const sliceOf = (p: (typeof predictions)[number]) => {
        const value = p.meta[slice];
        return value === undefined || (typeof value === "object" && value !== null) ? undefined : value;
      };
      for (const s of sliceMetrics(predictions, sliceOf, metric)) {
        values.push({ system: group, slice: s.slice, value: s.value, n: s.n });
      }
    }
    if (values.length === 0) continue;
    const name = sliceContext.base;
    figures.push({
      id: `slice-${idFor(slice)}`,
      title: `${name} per ${slice}`,
      caption: `Test ${name} on each value of "${slice}" (pooled over seeds; hover for n, the test rows in the slice). A gap between slices is a bias worth explaining.${name === context.base ? "" : ` Accuracy, not ${context.base}: a slice may hold one class only, where ${context.base} is undefined.`}`,
      spec: sliceMetricsFigure(values, slice, `test_${name}`),
    });
  }
  if (context.task !== "regression") {
    const matrices = groups.flatMap((group) => {
      const test = study.results
        .filter((run) => run.group === group)
        .flatMap((run) => run.predictions.filter((p) => p.split === "test"));
      if (test.length === 0) return [];
      const labels = context.labels.length > 0 ? context.labels : undefined;
      const confusion = confusionMatrix(
        test.map((p) => String(p.y_true)),
        test.map((p) => String(p.y_pred)),
        labels,
      );
      return [{ name: group, confusion }];
    });
    if (matrices.length > 0) {
      figures.push({
        id: "confusion",
        title: "Confusion matrices",
        caption:
          "Test predictions pooled over seeds, one matrix per system: rows are the true class, columns the predicted class.",
        spec: confusionMatrixFigure(matrices),
      });
    }
  }
  if (context.task === "regression" && inputs.regression.length > 0) {
    // Every drawn point costs ~45 bytes of HTML: a budget over all systems keeps the report small.
    const maxPoints = Math.max(100, Math.floor(pointBudget / inputs.regression.length));
    const worst = Math.floor(maxPoints / 10);
    const thinned = inputs.regression.some((s) => s.points.length > maxPoints)
      ? ` Systems with more than ${maxPoints} test predictions show ${maxPoints}: the ${worst} largest errors and the rest spread evenly over the actual values; the MAE uses all of them.`
      : "";
    figures.push({
      id: "predicted-vs-actual",
      title: "Predicted vs actual",
      caption: `Each point is a test prediction, pooled over seeds (hover for the example id and seed); the dotted line is y = x, a perfect prediction. A cloud flatter than the line means predictions shrink towards the mean. Panel titles give the MAE over all of a system's pooled test predictions, which can differ a little from the results table's mean of per-seed MAEs when seeds have different test sizes.${thinned}`,
      spec: predictedVsActualFigure(inputs.regression, { maxPoints, systemOrder: groups }),
    });
    figures.push({
      id: "absolute-errors",
      title: "Absolute errors per system",
      caption:
        "The distribution of |predicted − actual| over all of each system's test predictions, pooled over seeds: the box holds the middle half, whiskers reach the most extreme error within 1.5 IQR, and open circles are the examples beyond (the 100 largest; hover for the id). The diamond is the MAE: far above the median, it is driven by a few large misses.",
      spec: absoluteErrorsFigure(inputs.regression, { maxOutliers: 100, systemOrder: groups }),
    });
  }
  return figures;
}
