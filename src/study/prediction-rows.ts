import type { Example, MetaValue } from "../data/types.js";
import type { Citation, Prediction } from "../systems/system.js";
import { ModelError } from "../util/errors.js";

/** One line of a run's `predictions.jsonl` artifact. */
export interface PredictionRow {
  split: "val" | "test";
  id: string;
  y_true: string | number;
  y_pred: string | number;
  scores?: Record<string, number>;
  citations?: Citation[];
  meta: Record<string, MetaValue>;
}

/** Artifact name of a run's per-example predictions. */
export const predictionsArtifact = "predictions.jsonl";

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

/** Parses a `predictions.jsonl` artifact. */
export function parsePredictionRows(text: string): PredictionRow[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as PredictionRow);
}
