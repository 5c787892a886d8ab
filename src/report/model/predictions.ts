import type { Citation } from "../../systems/system.js";
import type { JsonValue } from "../../tracker/types.js";

/** One line of a run's `predictions.jsonl`. */
export interface PredictionRecord {
  split: "val" | "test";
  id: string;
  yTrue: string | number;
  yPred: string | number;
  citations: Citation[];
  meta: Record<string, JsonValue>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function citationsOf(value: unknown): Citation[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((c) => {
    const citation: Citation = {
      id: String(c.id ?? ""),
      score: typeof c.score === "number" ? c.score : Number.NaN,
      snippet: typeof c.snippet === "string" ? c.snippet : "",
    };
    if (typeof c.label === "string") citation.label = c.label;
    if (typeof c.target === "number") citation.target = c.target;
    return citation;
  });
}

/**
 * Parses `predictions.jsonl`; lines that are not predictions (blank, malformed, without y_true/y_pred)
 * are skipped and counted, so one bad line does not hide a whole run.
 */
export function parsePredictions(text: string): { predictions: PredictionRecord[]; skipped: number } {
  const predictions: PredictionRecord[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (!isRecord(value)) {
      skipped++;
      continue;
    }
    const { split, id, y_true: yTrue, y_pred: yPred } = value;
    const valid = (v: unknown): v is string | number => typeof v === "string" || typeof v === "number";
    if ((split !== "val" && split !== "test") || !valid(yTrue) || !valid(yPred)) {
      skipped++;
      continue;
    }
    predictions.push({
      split,
      id: String(id),
      yTrue,
      yPred,
      citations: citationsOf(value.citations),
      meta: isRecord(value.meta) ? (value.meta as Record<string, JsonValue>) : {},
    });
  }
  return { predictions, skipped };
}
