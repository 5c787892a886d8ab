import { InputError } from "../util/errors.js";
import { matchesQuery } from "./query-evaluate.js";
import { parseQuery } from "./query-parse.js";
import { type FieldValue, fieldValue } from "./run-fields.js";
import { parseSortKey } from "./sort-key.js";
import type { RunQuery, RunRecord } from "./types.js";

function order(a: FieldValue, b: FieldValue): number {
  const missingA = a === undefined || a === null;
  const missingB = b === undefined || b === null;
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function tagsMatch(run: RunRecord, tags: NonNullable<RunQuery["tags"]>): boolean {
  if (Array.isArray(tags)) {
    return tags.every((name) => {
      const value = run.tags[name];
      return value !== undefined && value !== false && value !== "" && value !== "false";
    });
  }
  return Object.entries(tags).every(
    ([name, value]) => Object.hasOwn(run.tags, name) && run.tags[name] === value,
  );
}

/** Filters, sorts (default: creation order; runs missing the sort field go last) and limits runs. */
export function applyRunQuery<R extends RunRecord>(runs: R[], query: RunQuery = {}): R[] {
  const where = query.where !== undefined && query.where.trim() !== "" ? parseQuery(query.where) : undefined;
  const sort = parseSortKey(query.sort ?? "created");
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 0)) {
    throw new InputError(`limit must be a whole number ≥ 0, got ${query.limit}`);
  }
  const { experiment, tags } = query;
  const kept = runs.filter(
    (run) =>
      (experiment === undefined || run.experiment === experiment) &&
      (tags === undefined || tagsMatch(run, tags)) &&
      (where === undefined || matchesQuery(where, run)),
  );
  const keyed = kept.map((run) => ({ run, key: fieldValue(run, sort.path) }));
  keyed.sort((a, b) => {
    const missingA = a.key === undefined || a.key === null;
    const missingB = b.key === undefined || b.key === null;
    if (missingA !== missingB) return missingA ? 1 : -1;
    const c = order(a.key, b.key) * (sort.descending ? -1 : 1);
    return c !== 0 ? c : a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0;
  });
  const sorted = keyed.map((entry) => entry.run);
  return query.limit === undefined ? sorted : sorted.slice(0, query.limit);
}
