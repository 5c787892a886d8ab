import { InputError } from "../../util/errors.js";
import { escapeHtml } from "../escape.js";
import { escapeHtmlText, type MimeBundle } from "./mime-bundle.js";

/** A table as plain data: column names and rows of cells. */
export interface TableData {
  columns: string[];
  rows: unknown[][];
}

/** What a danfo DataFrame (or anything shaped like one) offers: column names and row values. */
export interface FrameLike {
  columns: readonly string[];
  values: readonly unknown[];
}

/** What `tableBundle` draws: records (one object a row), a DataFrame, or columns and rows. */
export type TableInput = readonly Record<string, unknown>[] | FrameLike | TableData;

/** Options of `tableBundle`. */
export interface TableOptions {
  /** Rows shown (default 200); the rest are counted below the table. */
  maxRows?: number;
  /** Characters of a cell shown in the text fallback (default 40); HTML shows the full text on hover. */
  textWidth?: number;
  /** A caption above the table. */
  caption?: string;
}

/** Cells longer than this are cut even in the hover text, so one huge field cannot bloat a notebook. */
const maxHoverChars = 2000;

function isFrameLike(input: unknown): input is FrameLike {
  const frame = input as FrameLike;
  return (
    typeof input === "object" &&
    input !== null &&
    !Array.isArray(input) &&
    Array.isArray(frame.columns) &&
    Array.isArray(frame.values)
  );
}

function isTableData(input: unknown): input is TableData {
  const table = input as TableData;
  return (
    typeof input === "object" && input !== null && Array.isArray(table.columns) && Array.isArray(table.rows)
  );
}

/** Normalises records, a DataFrame or a `{ columns, rows }` table to columns and rows. */
export function toTableData(input: TableInput): TableData {
  if (isTableData(input)) return { columns: [...input.columns], rows: input.rows.map((row) => [...row]) };
  if (isFrameLike(input)) {
    // A danfo Series (one column) has flat values.
    const rows = input.values.map((row) => (Array.isArray(row) ? [...row] : [row]));
    return { columns: [...input.columns], rows };
  }
  if (!Array.isArray(input)) {
    throw new InputError(
      "show.table takes an array of objects, a DataFrame or { columns, rows }; wrap a single object in [ ]",
    );
  }
  const records = input as readonly Record<string, unknown>[];
  const columns = [...new Set(records.flatMap((record) => Object.keys(record ?? {})))];
  return { columns, rows: records.map((record) => columns.map((column) => record?.[column])) };
}

/** A cell's full text: numbers as JavaScript prints them, objects as JSON, nothing for null/undefined. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value instanceof Date) return value.toISOString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A number shortened for display: integers as they are, others to 4 significant digits. */
function shortNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 1e4) return value.toFixed(1);
  return String(Number(value.toPrecision(4)));
}

/** One line, no control characters: newlines and tabs would break a text row. */
function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, " ↵ ").replace(/[\t\f\v]/g, " ");
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

const cellStyle =
  "text-align:left;vertical-align:top;padding:2px 8px;max-width:24em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap";

/**
 * An HTML table: every cell escaped (HTML and Jupyter's `$` LaTeX), one line per cell cut by CSS at
 * 24em, its full text on hover (`title`), inside a box that scrolls both ways.
 */
export function tableHtml(table: TableData, options: TableOptions = {}): string {
  const maxRows = options.maxRows ?? 200;
  const shown = table.rows.slice(0, maxRows);
  const head = table.columns
    .map((column) => `<th style="${cellStyle}" title="${escapeHtml(column)}">${escapeHtmlText(column)}</th>`)
    .join("");
  const body = shown
    .map((row) => {
      const cells = table.columns.map((_, i) => {
        const value = row[i];
        const full = cellText(value);
        const text = typeof value === "number" ? shortNumber(value) : full;
        const hover = full.length > maxHoverChars ? `${full.slice(0, maxHoverChars - 1)}…` : full;
        const title = hover === text && text.length < 24 ? "" : ` title="${escapeHtml(hover)}"`;
        const align =
          typeof value === "number" ? cellStyle.replace("text-align:left", "text-align:right") : cellStyle;
        return `<td style="${align}"${title}>${escapeHtmlText(oneLine(clip(text, maxHoverChars)))}</td>`;
      });
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("");
  const caption = options.caption
    ? `<p style="margin:2px 0"><b>${escapeHtmlText(options.caption)}</b></p>`
    : "";
  const more =
    table.rows.length > shown.length
      ? `<p style="margin:2px 0;color:#666">${shown.length} of ${table.rows.length} rows shown (maxRows)</p>`
      : "";
  return `<div class="expbook-table tex2jax_ignore">${caption}<div style="max-height:32em;overflow:auto"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${more}</div>`;
}

/** The table as aligned plain text: cells on one line, cut at `textWidth` characters. */
export function tableText(table: TableData, options: TableOptions = {}): string {
  const maxRows = options.maxRows ?? 200;
  const width = options.textWidth ?? 40;
  const shown = table.rows.slice(0, maxRows);
  const cells = [
    table.columns.map((column) => clip(oneLine(column), width)),
    ...shown.map((row) =>
      table.columns.map((_, i) => {
        const value = row[i];
        return clip(oneLine(typeof value === "number" ? shortNumber(value) : cellText(value)), width);
      }),
    ),
  ];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? "")].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell + " ".repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length)))
      .join("  ")
      .trimEnd();
  const [header = [], ...rows] = cells;
  const lines = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  if (options.caption) lines.unshift(oneLine(options.caption));
  if (table.rows.length > shown.length) lines.push(`(${shown.length} of ${table.rows.length} rows shown)`);
  return lines.join("\n");
}

/**
 * A table as a Jupyter MIME bundle: escaped HTML with full cell text on hover and scrolling, and a
 * plain-text fallback.
 * @example tableBundle([{ system: "rag", test_f1: 0.93 }])
 */
export function tableBundle(input: TableInput, options: TableOptions = {}): MimeBundle {
  const table = toTableData(input);
  return { "text/html": tableHtml(table, options), "text/plain": tableText(table, options) };
}
