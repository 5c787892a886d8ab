import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { DatasetError } from "../util/errors.js";
import { loadOnUse } from "../util/load-on-use.js";
import { DatasetOptionError } from "./option-words.js";
import type { DatasetNotice, DatasetOptions, Example, MetaValue, Task } from "./types.js";

/** Which columns of a user file mean what (see {@link DatasetOptions} for each). */
export type FileColumns = Pick<
  DatasetOptions,
  "text" | "features" | "label" | "target" | "id" | "positiveLabel" | "strict"
>;

/** Rows read from a CSV or JSONL file, with the task the columns imply. */
export interface FileRows {
  task: Task;
  rows: Example[];
  featureNames?: string[];
  metaColumns: string[];
  /** The columns as used: `features` filled in when they were defaulted. */
  columns: FileColumns;
  /** What the reader changed or chose; under `strict` a warning throws instead. */
  notices: DatasetNotice[];
}

type Record_ = Record<string, unknown>;

/** A parsed record and where it was in the file, for messages. */
interface Located {
  record: Record_;
  where: string;
}

/** Collects notices; under `strict` a warning is an error at once. */
class Notices {
  readonly list: DatasetNotice[] = [];
  constructor(private readonly strict: boolean) {}
  warn(message: string): void {
    if (this.strict) throw new DatasetError(`${message} (strict)`);
    this.list.push({ level: "warning", message });
  }
  note(message: string): void {
    this.list.push({ level: "note", message });
  }
}

/** Reads a dataset file's bytes, or throws a DatasetError naming the path. */
export function readDatasetBytes(path: string): Buffer {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new DatasetError(
      `dataset file ${path} not found; pass a built-in name (see \`expbook datasets\`) or an existing .csv/.jsonl file`,
    );
  }
  return readFileSync(path);
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** UTF-8 text without a BOM and with LF line ends; invalid bytes become U+FFFD with a warning. */
function decodeText(bytes: Uint8Array, display: string, notices: Notices): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder("utf-8").decode(bytes);
    const replaced = [...text.matchAll(/\uFFFD/g)];
    notices.warn(
      `${display} is not valid UTF-8: ${replaced.length} character(s) replaced by U+FFFD, the first on line ${lineOf(text, replaced[0]?.index ?? 0)}; save the file as UTF-8`,
    );
  }
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

function parseJsonLines(text: string, display: string): Located[] {
  const located: Located[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new DatasetError(
        `${display}:${index + 1} is not a JSON object; each line of a .jsonl file must be one object`,
      );
    }
    located.push({ record: value as Record_, where: `line ${index + 1}` });
  });
  return located;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || String(value).trim() === "";
}

function parseCsv(text: string, display: string, tab: boolean, notices: Notices): Located[] {
  const parsed = loadOnUse("papaparse").parse<Record_>(text, {
    header: true,
    skipEmptyLines: true,
    dynamicTyping: false,
    newline: "\n",
    ...(tab ? { delimiter: "\t" } : {}),
  });
  const firstError = parsed.errors[0];
  if (firstError) {
    const row = firstError.row === undefined ? "" : ` at data row ${firstError.row + 1}`;
    throw new DatasetError(
      `${display} is not valid CSV${row}: ${firstError.message}; fix the file and retry`,
    );
  }
  const renamed = (parsed.meta as { renamedHeaders?: Record<string, string> | null }).renamedHeaders ?? {};
  const byOriginal = new Map<string, string[]>();
  for (const [renamedTo, original] of Object.entries(renamed))
    byOriginal.set(original, [...(byOriginal.get(original) ?? []), renamedTo]);
  for (const [original, copies] of byOriginal) {
    notices.warn(
      `${display}: header "${original}" appears ${copies.length + 1} times; the first such column is used as "${original}", the others are renamed ${copies.map((name) => `"${name}"`).join(", ")}`,
    );
  }
  const located: Located[] = [];
  const dropped: number[] = [];
  parsed.data.forEach((record, index) => {
    if (Object.values(record).every(isBlank)) dropped.push(index + 1);
    else located.push({ record, where: `data row ${index + 1}` });
  });
  if (dropped.length > 0) {
    notices.warn(
      `${display}: dropped ${dropped.length} row(s) with no values, the first at data row ${dropped[0]}`,
    );
  }
  return located;
}

function readLocated(display: string, path: string, bytes: Uint8Array, notices: Notices): Located[] {
  const extension = extname(path).toLowerCase();
  const json = extension === ".jsonl" || extension === ".ndjson";
  if (!json && extension !== ".csv" && extension !== ".tsv") {
    throw new DatasetError(`dataset file ${display} has an unknown extension; use .csv, .tsv or .jsonl`);
  }
  const text = decodeText(bytes, display, notices);
  if (text.trim() === "")
    throw new DatasetError(`dataset file ${display} is empty; it needs a header and at least one row`);
  const located = json
    ? parseJsonLines(text, display)
    : parseCsv(text, display, extension === ".tsv", notices);
  if (located.length === 0) throw new DatasetError(`dataset file ${display} has a header but no rows`);
  return located;
}

function requireColumn(display: string, first: Record_, column: string, role: string): void {
  if (!(column in first)) {
    const available = Object.keys(first).join(", ");
    throw new DatasetError(`${display} has no ${role} column "${column}"; columns are: ${available}`);
  }
}

function toMeta(value: unknown): MetaValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

function asNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

function toNumber(display: string, value: unknown, column: string, where: string): number {
  const number = asNumber(value);
  if (!Number.isFinite(number)) {
    throw new DatasetError(
      `${display} ${where}: column "${column}" is ${JSON.stringify(value)}, not a number`,
    );
  }
  return number;
}

/** Every column (other than those excluded) whose every value is a finite number. */
function numericColumns(located: readonly Located[], exclude: ReadonlySet<string>): string[] {
  const first = located[0]?.record ?? {};
  return Object.keys(first).filter(
    (column) =>
      !exclude.has(column) && located.every(({ record }) => Number.isFinite(asNumber(record[column]))),
  );
}

function checkColumns(display: string, columns: FileColumns): string {
  if (columns.label && columns.target) {
    throw new DatasetOptionError(
      (w) =>
        `${display}: pass either ${w("label")} (classification) or ${w("target")} (regression), not both`,
    );
  }
  const outcome = columns.label ?? columns.target;
  if (!outcome) {
    throw new DatasetOptionError(
      (w) =>
        `${display}: name the column to predict with ${w("label")} (classification) or ${w("target")} (regression)`,
    );
  }
  if (columns.positiveLabel !== undefined && !columns.label) {
    throw new DatasetOptionError(
      (w) =>
        `${display}: ${w("positiveLabel", columns.positiveLabel)} needs a class column (${w("label")}); a ${w("target")} makes the task regression`,
    );
  }
  return outcome;
}

/**
 * Parses a user CSV/TSV/JSONL file's bytes as a dataset, validating every row once, here at the edge.
 * Handles a UTF-8 BOM and CRLF line ends; warns (or, under `strict`, throws) on non-UTF-8 bytes,
 * duplicate headers, non-string JSONL text fields and rows with no values.
 */
export function parseFileRows(
  path: string,
  bytes: Uint8Array,
  columns: FileColumns,
  display = path,
): FileRows {
  const outcome = checkColumns(display, columns);
  const notices = new Notices(columns.strict === true);
  const located = readLocated(display, path, bytes, notices);
  const first = located[0]?.record ?? {};
  requireColumn(display, first, outcome, columns.label ? "label" : "target");
  if (columns.text) requireColumn(display, first, columns.text, "text");
  for (const feature of columns.features ?? []) requireColumn(display, first, feature, "feature");
  if (columns.id) requireColumn(display, first, columns.id, "id");
  const idColumn = columns.id ?? ("id" in first ? "id" : undefined);
  let features = columns.features?.length ? [...columns.features] : undefined;
  if (!columns.text && !features) {
    features = numericColumns(located, new Set([outcome, ...(idColumn ? [idColumn] : [])]));
    if (features.length === 0) {
      throw new DatasetOptionError(
        (w) =>
          `${display}: name the input with ${w("text")} or ${w("features")}; no column besides "${outcome}" is numeric to use by default`,
      );
    }
    notices.note(
      `${display}: no text or features named; using the ${features.length} numeric column(s) as features: ${features.join(", ")}`,
    );
  }
  const used = new Set([outcome, columns.text, idColumn, ...(features ?? [])].filter(Boolean));
  const metaColumns = Object.keys(first).filter((column) => !used.has(column));
  const seen = new Set<string>();
  const nonString: string[] = [];
  const rows = located.map(({ record, where }, index): Example => {
    const id = idColumn ? String(record[idColumn] ?? "") : `row-${index + 1}`;
    if (id === "" || seen.has(id)) {
      throw new DatasetError(
        `${display} ${where}: id ${JSON.stringify(id)} is empty or repeated; ids must be unique`,
      );
    }
    seen.add(id);
    const example: Example = { id, meta: Object.fromEntries(metaColumns.map((c) => [c, toMeta(record[c])])) };
    if (columns.text) {
      const text = record[columns.text];
      if (text !== undefined && text !== null && typeof text !== "string") nonString.push(where);
      example.text =
        text === undefined || text === null ? "" : typeof text === "string" ? text : JSON.stringify(text);
    }
    if (features) {
      example.features = Object.fromEntries(
        features.map((feature) => [feature, toNumber(display, record[feature], feature, where)]),
      );
    }
    if (columns.label) {
      const label = record[columns.label];
      if (isBlank(label))
        throw new DatasetError(`${display} ${where}: label column "${columns.label}" is empty`);
      if (typeof label === "object")
        throw new DatasetError(
          `${display} ${where}: label column "${columns.label}" holds JSON ${JSON.stringify(label)}, not a class name`,
        );
      example.label = String(label);
    } else {
      example.target = toNumber(display, record[outcome], outcome, where);
    }
    return example;
  });
  if (nonString.length > 0 && columns.text) {
    notices.warn(
      `${display}: text field "${columns.text}" is not a string on ${nonString.length} row(s), the first at ${nonString[0]}; it was stored as JSON text`,
    );
  }
  const { strict: _strict, ...given } = columns;
  return {
    task: columns.label ? "classification" : "regression",
    rows,
    ...(features ? { featureNames: features } : {}),
    metaColumns,
    columns: { ...given, ...(features ? { features } : {}) },
    notices: notices.list,
  };
}

/** Reads a user CSV/TSV/JSONL file as a dataset (see {@link parseFileRows}). */
export function loadFileRows(path: string, columns: FileColumns): FileRows {
  return parseFileRows(path, readDatasetBytes(path), columns, basename(path));
}
