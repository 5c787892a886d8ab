import type { DeploymentEvent, FeedbackEvent, PredictionEvent } from "./deployment-event.js";

/** A served prediction and the feedback it received (the last one, when a request got several). */
export interface FeedbackPair {
  prediction: PredictionEvent;
  feedback: FeedbackEvent;
}

/** Joins every feedback of a record to the prediction it answers, in the order feedback arrived. */
export function feedbackPairs(events: readonly DeploymentEvent[]): FeedbackPair[] {
  const predictions = new Map<string, PredictionEvent>();
  const latest = new Map<string, FeedbackEvent>();
  for (const event of events) {
    if (event.type === "prediction") predictions.set(event.requestId, event);
    else if (event.type === "feedback") {
      // Re-inserting moves a corrected request to its latest feedback's place.
      latest.delete(event.requestId);
      latest.set(event.requestId, event);
    }
  }
  const pairs: FeedbackPair[] = [];
  for (const feedback of latest.values()) {
    const prediction = predictions.get(feedback.requestId);
    if (prediction) pairs.push({ prediction, feedback });
  }
  return pairs;
}

/**
 * One exported dataset row: the request id, the input (`text`, or each feature as its own numeric
 * column), the feedback's `label` or `target`, and what was served (`served_label` / `served_value`).
 * `expbook fit --dataset FILE.jsonl --text text --label label` (or `--features ... --target target`)
 * reads it.
 */
export function feedbackRow(pair: FeedbackPair): Record<string, string | number> {
  const { prediction, feedback } = pair;
  const row: Record<string, string | number> = { id: feedback.requestId };
  if ("text" in prediction.input) row.text = prediction.input.text;
  else for (const [name, value] of Object.entries(prediction.input.features)) row[name] = value;
  if (feedback.label !== undefined) row.label = feedback.label;
  if (feedback.target !== undefined) row.target = feedback.target;
  if (prediction.label !== undefined) row.served_label = prediction.label;
  if (prediction.value !== undefined) row.served_value = prediction.value;
  row.served_at = new Date(prediction.time).toISOString();
  row.feedback_at = new Date(feedback.time).toISOString();
  return row;
}
