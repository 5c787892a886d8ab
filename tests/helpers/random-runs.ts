import { createRng, type Rng } from "../../src/util/random.js";
import type { RunExport } from "../../src/tracker/store/run-store.js";
import type { JsonValue, RunQuery, RunRecord } from "../../src/tracker/types.js";
import { elsewhereEnv } from "./run-record.js";

// Values chosen to meet every rule of the query language: numeric strings, "true"/"false", blanks,
// containers, null, negative and fractional numbers.
const NUMBERS = [0, 1, -2.5, 0.01, 3, 0.001, 100, 7];
const STRINGS = ["3", " 4 ", "abc", "", "true", "false", "0x1f", "1e3", "Abc", "b", "é", "Z", "0.01"];
const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)] as T;

function scalar(rng: Rng): string | number | boolean {
  const kind = rng.int(3);
  return kind === 0 ? pick(rng, NUMBERS) : kind === 1 ? pick(rng, STRINGS) : rng.next() < 0.5;
}

function paramValue(rng: Rng): JsonValue {
  const kind = rng.int(10);
  if (kind === 0) return null;
  if (kind === 1) return { b: scalar(rng) };
  if (kind === 2) return [pick(rng, NUMBERS), pick(rng, STRINGS)];
  return scalar(rng);
}

function maybe<T>(rng: Rng, make: () => T): T | undefined {
  return rng.next() < 0.6 ? make() : undefined;
}

function defined<T extends object>(entries: [string, T[keyof T] | undefined][]): T {
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as T;
}

/** `count` ended runs with random params, tags, summary and series, ready for `importRun`. */
export function randomRuns(seed: number, count: number): RunExport[] {
  const rng = createRng(seed);
  const runs: RunExport[] = [];
  for (let i = 0; i < count; i++) {
    const created = new Date(Date.UTC(2026, 0, 1) + rng.int(50) * 60_000).toISOString();
    const id = `20260101-000000-${String(i).padStart(3, "0")}-${(0x1000000000 + i).toString(16).slice(-10)}`;
    const params = defined<Record<string, JsonValue>>([
      ["lr", maybe(rng, () => paramValue(rng))],
      ["a", maybe(rng, () => (rng.next() < 0.7 ? { b: scalar(rng) } : paramValue(rng)))],
      ["a.b", maybe(rng, () => scalar(rng))],
      ["opt", maybe(rng, () => paramValue(rng))],
    ]);
    const tags = defined<Record<string, string | boolean>>([
      ["baseline", maybe(rng, () => (rng.next() < 0.5 ? rng.next() < 0.5 : pick(rng, STRINGS)))],
      ["lr", maybe(rng, () => pick(rng, STRINGS))],
    ]);
    const summary = defined<Record<string, string | number | boolean>>([
      ["f1", maybe(rng, () => scalar(rng))],
      ["acc", maybe(rng, () => pick(rng, NUMBERS))],
    ]);
    const series: RunExport["series"] = {};
    const latest: Record<string, number> = {};
    if (rng.next() < 0.6) {
      const values = [pick(rng, NUMBERS), pick(rng, NUMBERS)];
      series.loss = values.map((value, step) => ({ step, value, time: 1_700_000_000_000 + step }));
      latest.loss = values[1] as number;
    }
    if (rng.next() < 0.3) {
      series.f1 = [{ step: 0, value: pick(rng, NUMBERS), time: 1_700_000_000_000 }];
      latest.f1 = series.f1[0]?.value as number;
    }
    const status = pick(rng, ["finished", "failed", "killed"] as const);
    const record: RunRecord = {
      id,
      experiment: pick(rng, ["e1", "e2"]),
      name: pick(rng, ["alpha", "beta", "Gamma", "3", ""]),
      status,
      createdAt: created,
      startedAt: created,
      endedAt: rng.next() < 0.8 ? created : null,
      params,
      tags,
      note: pick(rng, ["", "note", "true"]),
      seed: rng.next() < 0.7 ? pick(rng, NUMBERS) : null,
      datasetFingerprint: null,
      splitFingerprint: null,
      summary,
      env: { ...elsewhereEnv, command: ["test"] },
      error: status === "failed" ? "Error: boom" : null,
      artifacts: [],
      latest,
    };
    runs.push({ record, series, artifacts: [] });
  }
  return runs;
}

const FIELDS = [
  "params.lr",
  "params.a.b",
  "params.a",
  "params.opt",
  "params.missing",
  "tags.baseline",
  "tags.lr",
  "summary.f1",
  "summary.acc",
  "metrics.f1",
  "metrics.loss",
  "status",
  "name",
  "experiment",
  "seed",
  "ended",
  "note",
  "created",
];
const OPS = ["=", "!=", "<", "<=", ">", ">="];

function literal(rng: Rng): string {
  const kind = rng.int(5);
  if (kind === 0) return String(pick(rng, NUMBERS));
  if (kind === 1) return JSON.stringify(pick(rng, STRINGS));
  if (kind === 2) return rng.next() < 0.5 ? "true" : "false";
  if (kind === 3) return "null";
  return JSON.stringify(
    pick(rng, ["finished", "failed", "alpha", "e1", '{"b":3}', "2026-01-01T00:20:00.000Z"]),
  );
}

function expression(rng: Rng, depth: number): string {
  const kind = depth <= 0 ? rng.int(2) : rng.int(5);
  if (kind === 0) return pick(rng, FIELDS);
  if (kind === 1) {
    const left = rng.next() < 0.85 ? pick(rng, FIELDS) : literal(rng);
    const right = rng.next() < 0.85 ? literal(rng) : pick(rng, FIELDS);
    return `${left} ${pick(rng, OPS)} ${right}`;
  }
  if (kind === 2) return `not (${expression(rng, depth - 1)})`;
  return `(${expression(rng, depth - 1)}) ${kind === 3 ? "and" : "or"} (${expression(rng, depth - 1)})`;
}

/** A random run query over the fields `randomRuns` fills. */
export function randomQuery(rng: Rng): RunQuery {
  const query: RunQuery = {};
  if (rng.next() < 0.9) query.where = expression(rng, 2);
  if (rng.next() < 0.7) {
    const field = pick(rng, [
      "created",
      "name",
      "params.lr",
      "summary.f1",
      "metrics.loss",
      "seed",
      "tags.lr",
      "status",
      "ended",
      "params.a",
    ]);
    query.sort = rng.next() < 0.5 ? `-${field}` : field;
  }
  if (rng.next() < 0.3) query.limit = rng.int(8);
  if (rng.next() < 0.2) query.experiment = pick(rng, ["e1", "e2"]);
  if (rng.next() < 0.15) query.tags = rng.next() < 0.5 ? ["baseline"] : { lr: pick(rng, STRINGS) };
  return query;
}
