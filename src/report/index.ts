// Public API of src/report (re-exported by src/index.ts): figures, study reports, notebook display.
export { type BuildReportOptions, buildReport } from "./build-report.js";
export { escapeHtml, jsonForScript } from "./escape.js";
export {
  baseLayout,
  type Estimate,
  type FigureSpec,
  type PlotTrace,
  type ReportFigure,
  roundTo,
  systemColors,
} from "./figure-spec.js";
export { type AbsoluteErrorsOptions, absoluteErrorsFigure } from "./figures/absolute-errors.js";
export { confusionMatrixFigure, type NamedConfusion } from "./figures/confusion-matrix.js";
export { type CurvePoint, downsampleSeries, evenlySpaced } from "./figures/downsample.js";
export { type ForestRow, forestPlotFigure, formatP } from "./figures/forest-plot.js";
export { type FreshnessRow, freshnessFigure } from "./figures/freshness.js";
export { type LearningCurvePoint, learningCurveFigure } from "./figures/learning-curve.js";
export { type LossCurveRun, lossCurvesFigure } from "./figures/loss-curves.js";
export { type MetricBar, metricBarsFigure } from "./figures/metric-bars.js";
export { parallelCoordinatesFigure, type SweepTrial } from "./figures/parallel-coordinates.js";
export { type PredictedVsActualOptions, predictedVsActualFigure } from "./figures/predicted-vs-actual.js";
export {
  downsamplePredictions,
  maeOf,
  type RegressionPoint,
  residualOf,
  type SystemPredictions,
} from "./figures/regression-predictions.js";
export { type SliceValue, sliceMetricsFigure } from "./figures/slice-metrics.js";
export { type SnippetTracker, withCitedSnippets } from "./model/cited-snippets.js";
export type { ReportTracker } from "./model/report-tracker.js";
export { figureHtml, runsTableHtml, showFigure, showRuns } from "./notebook-display.js";
export {
  errorBundle,
  escapeHtmlText,
  figureBundle,
  type MimeBundle,
  plotlyMimeType,
  textBundle,
} from "./notebook/mime-bundle.js";
export type { NotebookTracker, RunRef } from "./notebook/notebook-runs.js";
export { type Show, type ShowOptions, show, showFor } from "./notebook/show.js";
export {
  type FrameLike,
  type TableData,
  type TableInput,
  type TableOptions,
  tableBundle,
  tableHtml,
  tableText,
} from "./notebook/table-bundle.js";
export type { Publisher } from "./notebook/tslab-kernel.js";
export { renderHtml } from "./render-html.js";
export { renderMarkdown } from "./render-markdown.js";
export type * from "./report-model.js";
export {
  defaultReportPath,
  type WriteReportOptions,
  type WrittenReport,
  writeReport,
} from "./write-report.js";
