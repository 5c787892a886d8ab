import type { Example } from "../data/types.js";
import type { Prediction } from "../systems/system.js";
import { type PredictionRow, readPredictionRows } from "../tracker/records/prediction-row.js";
import { ModelError } from "../util/errors.js";

export { type PredictionRow, predictionsArtifact } from "../tracker/records/prediction-row.js";

/**
 * Pairs each example with the system's prediction for it (by id). A missing or malformed prediction
 * is a bug in the system, reported as a ModelError naming the example.
 */
export function predictionRows(
  split: "val" | "test",
  examples: readonly Example[],
  predictions: readonly Prediction[],
  task: "classification" | "regression",
): PredictionRow[] {
  const byId = new Map(predictions.map((prediction) => [prediction.id, prediction]));
  return examples.map((example) => {
    const prediction = byId.get(example.id);
    const predicted = task === "classification" ? prediction?.label : prediction?.value;
    if (
      prediction === undefined ||
      predicted === undefined ||
      (typeof predicted === "number" && !Number.isFinite(predicted))
    ) {
      throw new ModelError(`the system gave no usable ${split} prediction for example ${example.id}`);
    }
    return {
      split,
      id: example.id,
      y_true: (task === "classification" ? example.label : example.target) as string | number,
      y_pred: predicted,
      ...(prediction.scores ? { scores: prediction.scores } : {}),
      ...(prediction.citations ? { citations: prediction.citations } : {}),
      meta: example.meta,
    };
  });
}

/** Parses a `predictions.jsonl` artifact (`readPredictionRows`; a bad line throws a RecordError naming it). */
export function parsePredictionRows(text: string, source = "predictions.jsonl"): PredictionRow[] {
  return readPredictionRows(text, source);
}
