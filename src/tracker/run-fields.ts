import type { JsonValue, RunRecord } from "./types.js";

/** A value a query or sort can see. */
export type FieldValue = string | number | boolean | null | undefined;

/** Field roots the query language and `--sort` understand. */
export const FIELD_ROOTS = [
  "params",
  "metrics",
  "summary",
  "tags",
  "status",
  "experiment",
  "name",
  "id",
  "seed",
  "created",
  "started",
  "ended",
  "note",
] as const;

function lookup(value: JsonValue | undefined, path: string[]): JsonValue | undefined {
  // Nested first (params.model.layers), then the rest joined as one flat key ("model.layers").
  if (path.length === 0) return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  if (Object.hasOwn(value, head)) {
    const found = lookup(value[head], rest);
    if (found !== undefined) return found;
  }
  const joined = path.join(".");
  return Object.hasOwn(value, joined) ? value[joined] : undefined;
}

function scalar(value: JsonValue | undefined): FieldValue {
  if (value === undefined || value === null) return value;
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

/** Resolves a field path (`["params", "lr"]`, `["status"]`) on a run; `undefined` when absent. */
export function fieldValue(run: RunRecord, path: readonly string[]): FieldValue {
  const [root, ...rest] = path;
  switch (root) {
    case "params":
      return scalar(lookup(run.params, rest));
    case "tags":
      return scalar(lookup(run.tags, rest));
    case "summary":
    case "metrics": {
      const fromSummary = lookup(run.summary as Record<string, JsonValue>, rest);
      if (fromSummary !== undefined || root === "summary") return scalar(fromSummary);
      return scalar(lookup((run.latest ?? {}) as Record<string, JsonValue>, rest));
    }
    case "status":
      return run.status;
    case "experiment":
      return run.experiment;
    case "name":
      return run.name;
    case "id":
      return run.id;
    case "seed":
      return run.seed;
    case "note":
      return run.note;
    case "created":
      return run.createdAt;
    case "started":
      return run.startedAt;
    case "ended":
      return run.endedAt;
    default:
      return undefined;
  }
}

/** Flattens nested JSON with dotted keys: `{ opt: { lr: 1 } }` → `{ "opt.lr": 1 }` (arrays stay JSON text). */
export function flatten(
  value: Record<string, JsonValue>,
  prefix = "",
): Record<string, string | number | boolean | null> {
  const entries: [string, string | number | boolean | null][] = [];
  const walk = (node: Record<string, JsonValue>, at: string): void => {
    for (const [key, item] of Object.entries(node)) {
      const name = at === "" ? key : `${at}.${key}`;
      if (item !== null && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length > 0) {
        walk(item, name);
      } else {
        entries.push([name, item !== null && typeof item === "object" ? JSON.stringify(item) : item]);
      }
    }
  };
  walk(value, prefix);
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(entries);
}
