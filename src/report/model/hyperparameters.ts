import type { JsonValue } from "../../tracker/types.js";

// Recorded with every run but not hyperparameters: who the run is and what data it saw.
const bookkeeping = new Set([
  "kind",
  "system",
  "dataset",
  "split",
  "score_test",
  "scoreTest",
  "seed",
  "labelled",
]);

/** A run's params without the bookkeeping the study runner records beside them (kind, dataset, split...). */
export function hyperparameters(params: Record<string, JsonValue>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(params).filter(([key]) => !bookkeeping.has(key)));
}
