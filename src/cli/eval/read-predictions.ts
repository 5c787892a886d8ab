import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { readPredictionRows } from "../../tracker/index.js";
import { InputError } from "../../util/errors.js";
import { printStatus } from "../output.js";

/** A predictions file as read: its text (fingerprinted when logged) and its rows as column → value records. */
export interface PredictionsInput {
  text: string;
  records: Record<string, string>[];
}

/** The text of a predictions file; an unreadable one is an InputError saying what to pass (`expected`). */
function readPredictionsText(path: string, expected: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InputError(`cannot read predictions file ${path} (${code}); pass ${expected}`);
  }
}

/**
 * Reads a predictions CSV (y_true,y_pred; optional id, slice). Rows with no values are dropped with a
 * warning, or are an InputError when `strict`.
 */
export function readPredictionsCsv(path: string, strict: boolean): PredictionsInput {
  const text = readPredictionsText(path, "a CSV with y_true,y_pred columns");
  if (text.trim() === "")
    throw new InputError(`predictions file ${path} is empty; it needs a y_true,y_pred header and rows`);
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: true,
    transformHeader: (name) => name.trim(),
  });
  // A row of only delimiters (",") holds no prediction: dropped, but never silently.
  const blank = new Set<number>();
  parsed.data.forEach((record, index) => {
    if (Object.values(record).every((value) => value === undefined || String(value).trim() === ""))
      blank.add(index);
  });
  if (blank.size > 0) {
    const rows = [...blank].slice(0, 5).map((index) => index + 1);
    const where = `${rows.join(", ")}${blank.size > 5 ? ", ..." : ""}`;
    if (strict) {
      throw new InputError(
        `predictions file ${path}: row(s) ${where} hold no values; remove them or drop --strict`,
      );
    }
    printStatus(
      `expbook: warning: predictions file ${path}: dropped ${blank.size} row(s) with no values (row(s) ${where}); --strict makes this an error`,
    );
    parsed.data = parsed.data.filter((_, index) => !blank.has(index));
    parsed.errors = parsed.errors.filter((error) => error.row === undefined || !blank.has(error.row));
  }
  const header = parsed.meta.fields ?? [];
  for (const column of ["y_true", "y_pred"]) {
    if (!header.includes(column)) {
      throw new InputError(
        `predictions file ${path} has no ${column} column (found: ${header.join(", ") || "none"}); add a header y_true,y_pred`,
      );
    }
  }
  const fieldError = parsed.errors.find((error) => error.type === "FieldMismatch");
  if (fieldError) {
    throw new InputError(`predictions file ${path}, row ${(fieldError.row ?? 0) + 1}: ${fieldError.message}`);
  }
  if (parsed.data.length === 0) throw new InputError(`predictions file ${path} has a header but no rows`);
  return { text, records: parsed.data };
}

/**
 * Reads a `predictions.jsonl` file of prediction rows (the run record format) as the CSV reader's
 * records: its test rows, with `meta.slice` as the slice. A malformed line names the file, line and field.
 */
export function readPredictionsJsonl(path: string, task: "classification" | "regression"): PredictionsInput {
  const text = readPredictionsText(path, "prediction rows, one JSON object per line");
  const rows = readPredictionRows(text, path, { task }).filter((row) => row.split === "test");
  if (rows.length === 0) throw new InputError(`predictions file ${path} has no test rows ("split": "test")`);
  const records = rows.map((row) => {
    const slice = row.meta.slice;
    return {
      id: row.id,
      y_true: String(row.y_true),
      y_pred: String(row.y_pred),
      ...(slice === undefined || slice === null ? {} : { slice: String(slice) }),
    };
  });
  return { text, records };
}

/** Reads a predictions file by its extension: `.jsonl` prediction rows, else a CSV. */
export function readPredictions(
  path: string,
  task: "classification" | "regression",
  strict: boolean,
): PredictionsInput {
  return /\.jsonl$/i.test(path) ? readPredictionsJsonl(path, task) : readPredictionsCsv(path, strict);
}
