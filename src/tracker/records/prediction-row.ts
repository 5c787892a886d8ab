import type { z } from "zod";
import { RecordError } from "../../util/errors.js";
import type { Run } from "../types.js";
import { lazySchema } from "../../util/lazy-schema.js";

/** Artifact name of a run's per-example predictions: one prediction row per line (JSON Lines). */
export const predictionsArtifact = "predictions.jsonl";

/** A document a retrieval system cited for a prediction: its id, retrieval score and label or target. */
export const citationSchema = lazySchema(({ z }) =>
  z.object({
    id: z.string(),
    score: z.number(),
    label: z.string().optional(),
    target: z.number().optional(),
    /**
     * The first ~200 characters of the document's text; absent when the run's knowledge base holds the
     * document (a RAG run's rows cite by id, and readers look the text up there).
     */
    snippet: z.string().optional(),
  }),
);

/**
 * One line of `predictions.jsonl`: the example's split and id, its true value and the prediction.
 * Classification rows hold labels (strings) in `y_true`/`y_pred` and optional class `scores`;
 * regression rows hold finite numbers. Retrieval systems add `citations`; `meta` holds the example's
 * slice columns. This is the contract for runs made outside expbook too.
 * @example {"split":"test","id":"msg-7","y_true":"spam","y_pred":"ham","meta":{"era":"2002"}}
 */
export const predictionRowSchema = lazySchema(({ z }) => {
  const truth = z.union([z.string().min(1, "give a non-empty label"), z.number()]);
  return z.object({
    split: z.enum(["val", "test"]),
    id: z.union([z.string().min(1, "give a non-empty id"), z.number().transform(String)]),
    y_true: truth,
    y_pred: truth,
    scores: z.record(z.string(), z.number()).optional(),
    citations: z.array(citationSchema).optional(),
    meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  });
});

/** A prediction row as read (id a string, `meta` filled). */
export type PredictionRow = z.output<typeof predictionRowSchema>;
/** A prediction row as written (`meta` optional, a numeric id allowed). */
export type PredictionRowInput = z.input<typeof predictionRowSchema>;
/** A cited document of a prediction row. */
export type CitationRecord = z.output<typeof citationSchema>;

/** Which task's values a row holds: labels (classification) or numbers (regression). */
export type RecordTask = "classification" | "regression";

function taskIssue(row: PredictionRow, task: RecordTask): { field: string; message: string } | undefined {
  for (const field of ["y_true", "y_pred"] as const) {
    const value = row[field];
    if (task === "classification" && typeof value !== "string")
      return { field, message: `is ${JSON.stringify(value)}; classification rows hold labels as strings` };
    if (task === "regression" && typeof value !== "number")
      return { field, message: `is ${JSON.stringify(value)}; regression rows hold numbers` };
  }
  return undefined;
}

function rowError(source: string, line: number, field: string, message: string): RecordError {
  return new RecordError(
    `${source}, line ${line}: field "${field}" ${message}; each line must be a prediction row {"split":"test","id":...,"y_true":...,"y_pred":...}`,
  );
}

/** Validates one row; the error names the source, the line and the first bad field. */
function checkRow(value: unknown, source: string, line: number, task?: RecordTask): PredictionRow {
  const parsed = predictionRowSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    if (path.length === 0) throw rowError(source, line, "(row)", "is not an object");
    let given: unknown = value;
    for (const key of path) given = (given as Record<PropertyKey, unknown> | undefined)?.[key];
    const shown = JSON.stringify(given)?.slice(0, 40);
    const message =
      given === undefined ? "is missing" : `is ${shown} (${issue?.message.toLowerCase() ?? "invalid"})`;
    throw rowError(source, line, path.join("."), message);
  }
  const wrong = task === undefined ? undefined : taskIssue(parsed.data, task);
  if (wrong) throw rowError(source, line, wrong.field, wrong.message);
  return parsed.data;
}

function jsonLine(raw: string, source: string, line: number): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new RecordError(`${source}, line ${line}: not a JSON object; write one prediction row per line`);
  }
}

/**
 * Reads a `predictions.jsonl` text. Blank lines are skipped; any other line that is not a valid
 * prediction row throws a RecordError naming `source` (a file path), the 1-based line and the field.
 * With `task`, classification rows must hold strings and regression rows numbers.
 * @example readPredictionRows(readFileSync(path, "utf8"), path, { task: "classification" })
 */
export function readPredictionRows(
  text: string,
  source: string,
  options: { task?: RecordTask } = {},
): PredictionRow[] {
  const rows: PredictionRow[] = [];
  const lines = text.split("\n");
  for (let at = 1; at <= lines.length; at++) {
    const raw = lines[at - 1] ?? "";
    if (raw.trim() !== "") rows.push(checkRow(jsonLine(raw, source, at), source, at, options.task));
  }
  return rows;
}

/**
 * Formats rows as `predictions.jsonl` text, validating each first (a bad row throws a RecordError
 * naming its 1-based position as the line), so nothing malformed is ever written.
 */
export function formatPredictionRows(
  rows: readonly PredictionRowInput[],
  source: string,
  options: { task?: RecordTask } = {},
): string {
  const lines = rows.map((row, index) => JSON.stringify(checkRow(row, source, index + 1, options.task)));
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/**
 * Writes rows as the run's `predictions.jsonl` artifact, validated first: call it before
 * `run.finish()`, so a malformed row leaves no finished run.
 * @example await writePredictionRows(run, [{ split: "test", id: "1", y_true: "spam", y_pred: "spam" }]);
 */
export async function writePredictionRows(
  run: Pick<Run, "id" | "artifact">,
  rows: readonly PredictionRowInput[],
  options: { task?: RecordTask } = {},
): Promise<void> {
  const text = formatPredictionRows(rows, `run ${run.id} ${predictionsArtifact}`, options);
  await run.artifact(predictionsArtifact, text);
}
