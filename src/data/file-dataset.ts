import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import Papa from "papaparse";
import { DatasetError } from "../util/errors.js";
import type { Example, MetaValue, Task } from "./types.js";

/** Which columns of a user file mean what. */
export interface FileColumns {
  /** Text column (text datasets). */
  text?: string;
  /** Numeric feature columns (tabular datasets). */
  features?: string[];
  /** Class column: makes the task classification. */
  label?: string;
  /** Numeric target column: makes the task regression. */
  target?: string;
  /** Id column; defaults to `id` when present, else the 1-based row number. */
  id?: string;
}

/** Rows read from a CSV or JSONL file, with the task the columns imply. */
export interface FileRows {
  task: Task;
  rows: Example[];
  featureNames?: string[];
  metaColumns: string[];
}

type Record_ = Record<string, unknown>;

function readRecords(path: string): Record_[] {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new DatasetError(
      `dataset file ${path} not found; pass a built-in name (see \`expbook datasets\`) or an existing .csv/.jsonl file`,
    );
  }
  const text = readFileSync(path, "utf8");
  if (text.trim() === "")
    throw new DatasetError(`dataset file ${path} is empty; it needs a header and at least one row`);
  const extension = extname(path).toLowerCase();
  if (extension === ".jsonl" || extension === ".ndjson") {
    return text
      .split("\n")
      .map((line, index) => ({ line: line.trim(), index }))
      .filter(({ line }) => line !== "")
      .map(({ line, index }) => {
        try {
          const value = JSON.parse(line) as unknown;
          if (value === null || typeof value !== "object" || Array.isArray(value))
            throw new Error("not an object");
          return value as Record_;
        } catch {
          throw new DatasetError(
            `${path}:${index + 1} is not a JSON object; each line of a .jsonl file must be one object`,
          );
        }
      });
  }
  if (extension !== ".csv" && extension !== ".tsv") {
    throw new DatasetError(`dataset file ${path} has an unknown extension; use .csv, .tsv or .jsonl`);
  }
  const parsed = Papa.parse<Record_>(text, { header: true, skipEmptyLines: true, dynamicTyping: false });
  const firstError = parsed.errors[0];
  if (firstError) {
    const row = firstError.row === undefined ? "" : ` at data row ${firstError.row + 1}`;
    throw new DatasetError(`${path} is not valid CSV${row}: ${firstError.message}; fix the file and retry`);
  }
  if (parsed.data.length === 0) throw new DatasetError(`dataset file ${path} has a header but no rows`);
  return parsed.data;
}

function requireColumn(path: string, records: Record_[], column: string, role: string): void {
  const first = records[0] ?? {};
  if (!(column in first)) {
    const available = Object.keys(first).join(", ");
    throw new DatasetError(`${path} has no ${role} column "${column}"; columns are: ${available}`);
  }
}

function toMeta(value: unknown): MetaValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

function toNumber(path: string, value: unknown, column: string, rowNumber: number): number {
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== ""
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new DatasetError(
      `${path} row ${rowNumber}: column "${column}" is ${JSON.stringify(value)}, not a number`,
    );
  }
  return number;
}

/** Reads a user CSV/TSV/JSONL file as a dataset, validating every row once, here at the edge. */
export function loadFileRows(path: string, columns: FileColumns): FileRows {
  if (columns.label && columns.target) {
    throw new DatasetError(
      `${basename(path)}: pass either --label (classification) or --target (regression), not both`,
    );
  }
  if (!columns.label && !columns.target) {
    throw new DatasetError(
      `${basename(path)}: name the column to predict with --label COL (classification) or --target COL (regression)`,
    );
  }
  if (!columns.text && !columns.features?.length) {
    throw new DatasetError(`${basename(path)}: name the input with --text COL or --features COL,COL`);
  }
  const records = readRecords(path);
  const outcome = (columns.label ?? columns.target) as string;
  requireColumn(path, records, outcome, columns.label ? "label" : "target");
  if (columns.text) requireColumn(path, records, columns.text, "text");
  for (const feature of columns.features ?? []) requireColumn(path, records, feature, "feature");
  const idColumn = columns.id ?? ("id" in (records[0] ?? {}) ? "id" : undefined);
  if (columns.id) requireColumn(path, records, columns.id, "id");
  const used = new Set([outcome, columns.text, idColumn, ...(columns.features ?? [])].filter(Boolean));
  const metaColumns = Object.keys(records[0] ?? {}).filter((column) => !used.has(column));
  const seen = new Set<string>();
  const rows = records.map((record, index): Example => {
    const rowNumber = index + 1;
    const id = idColumn ? String(record[idColumn] ?? "") : `row-${rowNumber}`;
    if (id === "" || seen.has(id)) {
      throw new DatasetError(
        `${path} row ${rowNumber}: id ${JSON.stringify(id)} is empty or repeated; ids must be unique`,
      );
    }
    seen.add(id);
    const example: Example = { id, meta: Object.fromEntries(metaColumns.map((c) => [c, toMeta(record[c])])) };
    if (columns.text) example.text = String(record[columns.text] ?? "");
    if (columns.features?.length) {
      example.features = Object.fromEntries(
        columns.features.map((feature) => [feature, toNumber(path, record[feature], feature, rowNumber)]),
      );
    }
    if (columns.label) {
      const label = record[columns.label];
      if (label === null || label === undefined || String(label).trim() === "") {
        throw new DatasetError(`${path} row ${rowNumber}: label column "${columns.label}" is empty`);
      }
      example.label = String(label);
    } else {
      example.target = toNumber(path, record[outcome], outcome, rowNumber);
    }
    return example;
  });
  return {
    task: columns.label ? "classification" : "regression",
    rows,
    ...(columns.features?.length ? { featureNames: [...columns.features] } : {}),
    metaColumns,
  };
}
