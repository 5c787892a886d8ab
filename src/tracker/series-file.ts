import { readFile } from "node:fs/promises";
import type { MetricPoint } from "./types.js";

/** Non-finite values are legal metrics (a NaN loss is news), but JSON has no spelling for them. */
function encodeValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
}

function decodeValue(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** A quoted value (`"NaN"`, `"Infinity"`); anything else, such as a torn `"Na[`, is undefined. */
function decodeQuoted(raw: string): number | undefined {
  try {
    return decodeValue(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

/** One line of a metrics file: `["loss",12,0.25,1764070769123]`. `quotedName` is `JSON.stringify(name)`. */
export function encodePoint(quotedName: string, step: number, value: number, time: number): string {
  return `[${quotedName},${step},${encodeValue(value)},${time}]\n`;
}

/** Metric series read back from a metrics file, plus how many lines could not be read. */
export interface DecodedSeries {
  series: Record<string, MetricPoint[]>;
  /** Lines that were not valid points (a line cut short by a crash). */
  skippedLines: number;
}

function addPoint(series: Record<string, MetricPoint[]>, entry: unknown): boolean {
  if (!Array.isArray(entry) || entry.length !== 4) return false;
  const [name, step, rawValue, time] = entry as unknown[];
  const value = decodeValue(rawValue);
  if (
    typeof name !== "string" ||
    typeof step !== "number" ||
    typeof time !== "number" ||
    value === undefined
  ) {
    return false;
  }
  let list = series[name];
  if (list === undefined) {
    list = [];
    series[name] = list;
  }
  list.push({ step, value, time });
  return true;
}

/**
 * Parses the text of a metrics file; a damaged or partial line is skipped and counted, never fatal.
 * Lines are scanned directly (our own format, written by `encodePoint`); anything unusual, such as
 * an escaped metric name, goes through JSON.parse instead.
 */
export function decodeSeries(text: string): DecodedSeries {
  const series: Record<string, MetricPoint[]> = Object.create(null);
  let skippedLines = 0;
  const lists = new Map<string, MetricPoint[]>();
  const listFor = (name: string): MetricPoint[] => {
    let list = lists.get(name);
    if (list === undefined) {
      list = series[name] ?? [];
      series[name] = list;
      lists.set(name, list);
    }
    return list;
  };
  const slow = (line: string): void => {
    try {
      if (!addPoint(series, JSON.parse(line))) skippedLines++;
    } catch {
      skippedLines++;
    }
  };
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = length;
    if (end === start) {
      start = end + 1;
      continue;
    }
    // [ "name" , step , value , time ]
    const nameEnd = text.indexOf('"', start + 2);
    const c1 = nameEnd + 1;
    const c2 = text.indexOf(",", c1 + 1);
    const c3 = c2 < 0 ? -1 : text.indexOf(",", c2 + 1);
    if (
      text.charCodeAt(start) !== 91 /* [ */ ||
      text.charCodeAt(start + 1) !== 34 /* " */ ||
      nameEnd < 0 ||
      nameEnd >= end ||
      text.charCodeAt(c1) !== 44 /* , */ ||
      c3 < 0 ||
      c3 >= end ||
      c2 === c1 + 1 ||
      text.charCodeAt(end - 1) !== 93 /* ] */
    ) {
      slow(text.slice(start, end));
      start = end + 1;
      continue;
    }
    const name = text.slice(start + 2, nameEnd);
    if (name.includes("\\")) {
      slow(text.slice(start, end));
      start = end + 1;
      continue;
    }
    const step = Number(text.slice(c1 + 1, c2));
    const rawValue = text.slice(c2 + 1, c3);
    const time = Number(text.slice(c3 + 1, end - 1));
    const value = rawValue.charCodeAt(0) === 34 ? decodeQuoted(rawValue) : Number(rawValue);
    if (
      Number.isNaN(step) ||
      Number.isNaN(time) ||
      value === undefined ||
      (Number.isNaN(value) && rawValue !== '"NaN"')
    ) {
      skippedLines++;
    } else {
      listFor(name).push({ step, value, time });
    }
    start = end + 1;
  }
  return { series, skippedLines };
}

/** Reads a run's metric series; a missing file is an empty series. */
export async function readSeries(path: string): Promise<DecodedSeries> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return { series: Object.create(null), skippedLines: 0 };
    throw error;
  }
  return decodeSeries(text);
}
