/**
 * Summary names studies and reports read. Metrics are prefixed with their split: `val_*` (selection)
 * and `test_*` (reported), e.g. `test_f1`, `test_f1_macro`, `test_accuracy`, `test_mae`, `test_rmse`.
 */
export const summaryName = {
  /** The positive class whose binary F1 the run's `*_f1` is (two-class classification). */
  positiveLabel: "positive_label",
  /** Labelled training examples of a learning-curve run (absent on the "all" size). */
  nLabelled: "n_labelled",
  /** Examples in the train, validation and test splits. */
  nTrain: "n_train",
  nVal: "n_val",
  nTest: "n_test",
  /** Freshness studies: the knowledge-base state the run was scored with. */
  kbState: "kb_state",
  /** The compute backend that ran it (`cpu`, `tensorflow`, `wasm`). */
  backend: "backend",
} as const;

/** The split a summary metric belongs to. */
export type MetricSplit = "val" | "test";

/** The summary name of a metric on a split: `splitMetric("test", "f1")` is `"test_f1"`. */
export function splitMetric(split: MetricSplit, metric: string): string {
  return `${split}_${metric}`;
}

/** The positive label a run's summary records, if any. */
export function positiveLabelOf(run: { summary: Readonly<Record<string, unknown>> }): string | undefined {
  const value = run.summary[summaryName.positiveLabel];
  return typeof value === "string" ? value : undefined;
}
