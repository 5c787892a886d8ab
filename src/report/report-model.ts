import type { Citation } from "../systems/system.js";
import type { JsonValue } from "../tracker/types.js";
import type { Estimate, ReportFigure } from "./figure-spec.js";
import type { RegressionPoint } from "./figures/regression-predictions.js";

/** The dataset a study ran on, as recorded in the study run's `study.json`. */
export interface ReportDataset {
  name: string;
  task: string;
  rows: number;
  labels: string[];
  fingerprint: string;
  source: string;
}

/** One seed's split, with its sizes and fingerprints. */
export interface ReportSplit {
  seed: number;
  strategy: string;
  by?: string;
  sizes: Record<string, number>;
  fingerprints: Record<string, string>;
}

/** A system of the study and the hyperparameters the validation set chose. */
export interface ReportSystem {
  name: string;
  kind: string;
  /** Hyperparameters of the selected (final) runs. */
  params: Record<string, JsonValue>;
  /** True when the study swept this system's hyperparameters. */
  swept: boolean;
  /** Tracked runs of this system (trials and finals). */
  runs: number;
}

/** One row of the results table: a system's holdout metrics over seeds. */
export interface ResultRow {
  system: string;
  /** Metric name (e.g. "test_f1") → mean and 95% CI over seeds. */
  metrics: Record<string, Estimate>;
}

/** A paired comparison of one system against the best system. */
export interface SystemComparison {
  system: string;
  /** Mean paired difference (system − best) in the selection metric. */
  difference: number;
  low: number;
  high: number;
  p: number;
  /** Holm-Bonferroni adjusted p-value across all comparisons. */
  pAdjusted: number;
  significant: boolean;
}

/** Significance tests of every system against the best one. */
export interface SignificanceTests {
  best: string;
  metric: string;
  method: string;
  alpha: number;
  comparisons: SystemComparison[];
}

/** One training budget of a learning-curve study: each system's result there and the tests within it. */
export interface BudgetResults {
  /** The budget as the study names it: a number of labelled examples, or "all". */
  budget: string;
  /** Labelled training examples ("all": the mean training-set size over seeds). */
  labelled: number;
  /** Each system's selection metric at this budget (mean, std and 95% interval over seeds), best first. */
  rows: ResultRow[];
  /** Each system against this budget's best, Holm-corrected within the budget. */
  tests: SignificanceTests | null;
}

/** A test example a system got wrong, with the documents a RAG system cited for it. */
export interface ErrorExample {
  system: string;
  runId: string;
  seed: number | null;
  id: string;
  yTrue: string | number;
  yPred: string | number;
  citations: Citation[];
  meta: Record<string, JsonValue>;
}

/** A regression system's test errors, pooled over seeds: the numbers behind the prediction figures. */
export interface PredictionErrorRow {
  system: string;
  /** Test predictions, pooled over seeds. */
  n: number;
  /** Mean absolute error over all `n` predictions. */
  mae: number;
  medianAbsoluteError: number;
  /** Mean of predicted − actual: positive when the system over-predicts on average. */
  meanResidual: number;
  /** The prediction with the largest absolute error. */
  worst: RegressionPoint | null;
}

/** What someone needs to rerun the study and get the same numbers. */
export interface Reproducibility {
  commits: string[];
  /** True when any run was recorded from a tree with uncommitted changes; null when unknown. */
  dirty: boolean | null;
  node: string[];
  backends: string[];
  versions: Record<string, string>;
  seeds: number[];
  commands: string[];
}

/** One tracked run as listed in the report's run index. */
export interface ReportRun {
  id: string;
  name: string;
  system: string;
  stage: string;
  seed: number | null;
  status: string;
  note: string;
  params: Record<string, JsonValue>;
}

/** Everything a study report shows, independent of the output format. */
export interface ReportModel {
  experiment: string;
  question: string;
  generatedAt: string;
  /** The metric systems are ranked and selected by (e.g. "test_f1"). */
  metric: string;
  higherIsBetter: boolean;
  dataset: ReportDataset | null;
  splits: ReportSplit[];
  systems: ReportSystem[];
  /** Metric names shown as results-table columns, in order. */
  metricColumns: string[];
  results: ResultRow[];
  tests: SignificanceTests | null;
  /** How the intervals over seeds are computed, in words. */
  intervalMethod: string;
  /** Learning-curve studies: results and paired tests per training budget (empty otherwise). */
  budgets: BudgetResults[];
  figures: ReportFigure[];
  /** Regression studies: each system's test errors pooled over seeds (empty for classification). */
  predictionErrors: PredictionErrorRow[];
  errors: ErrorExample[];
  /** Test errors of all systems before sampling. */
  errorsTotal: number;
  runs: ReportRun[];
  reproducibility: Reproducibility;
  /** Caveats worth reading before the numbers (missing runs, dirty tree, few seeds). */
  warnings: string[];
}
