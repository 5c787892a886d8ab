import { readFileSync } from "node:fs";
import type { Example } from "../data/types.js";
import { InputError } from "../util/errors.js";
import type { DeploymentEvent, FeedbackEvent, PredictionEvent } from "./deployment-event.js";
import { lazySchema } from "../util/lazy-schema.js";

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

/** Columns of an exported feedback row that are not input features. */
const reservedColumns = new Set([
  "id",
  "text",
  "label",
  "target",
  "served_label",
  "served_value",
  "served_at",
  "feedback_at",
]);

const exportedRow = lazySchema(({ z }) =>
  z
    .object({
      id: z.string().min(1),
      text: z.string().optional(),
      label: z.string().optional(),
      target: z.number().optional(),
    })
    .passthrough(),
);

/**
 * Reads a feedback dataset `exportFeedback` wrote (`feedback.jsonl`) back as examples, in the order the
 * feedback arrived: id `feedback:<requestId>`, the text or features, and the label or target the user
 * gave. An unreadable line is an InputError naming the file and line.
 */
export function readFeedbackExamples(path: string): Example[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(
      `cannot read feedback file ${path} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}); give the feedback.jsonl that expbook feedback --out wrote`,
    );
  }
  const examples: Example[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(`${path} line ${i + 1} is not JSON; export the feedback again (expbook feedback)`);
    }
    const parsed = exportedRow.safeParse(value);
    if (!parsed.success || (parsed.data.label === undefined && parsed.data.target === undefined)) {
      throw new InputError(
        `${path} line ${i + 1} is not a feedback row (id and label or target); export the feedback again`,
      );
    }
    const row = parsed.data;
    const features = Object.fromEntries(
      Object.entries(row).filter(
        (entry): entry is [string, number] => !reservedColumns.has(entry[0]) && typeof entry[1] === "number",
      ),
    );
    examples.push({
      id: `feedback:${row.id}`,
      ...(row.text !== undefined ? { text: row.text } : { features }),
      ...(row.label !== undefined ? { label: row.label } : {}),
      ...(row.target !== undefined ? { target: row.target } : {}),
      meta: {},
    });
  });
  return examples;
}
