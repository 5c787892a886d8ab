import { InputError } from "../../util/errors.js";
import type { Operand, QueryNode } from "../query-parse.js";
import { parseQuery } from "../query-parse.js";
import { parseSortKey } from "../sort-key.js";
import type { RunQuery } from "../types.js";

/** A SQL fragment and the parameters it refers to (as `$n`, numbered from where the caller left off). */
export interface CompiledQuery {
  /** Conditions for `WHERE` (`TRUE` when none). */
  where: string;
  /** The `ORDER BY` list. */
  orderBy: string;
  /** `LIMIT n` or empty. */
  limit: string;
  params: unknown[];
}

// Columns of the run row (aliased `r`) that the query language names directly.
const TEXT_COLUMNS: Record<string, string> = {
  status: "r.effective_status",
  experiment: "r.experiment",
  name: "r.name",
  id: "r.id",
  note: "r.note",
  created: "r.created_at",
  started: "r.started_at",
};
const NULLABLE_COLUMNS: Record<string, string> = { ended: "r.ended_at", seed: "r.seed" };

class Compiler {
  readonly params: unknown[];
  constructor(firstParams: unknown[]) {
    this.params = [...firstParams];
  }

  param(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.params.length}::${cast}`;
  }

  /**
   * `lookup` of run-fields.ts in SQL: nested keys first, then the rest of the path joined with dots as
   * one flat key (`params.model.layers` is `model → layers`, else `model.layers`), at every level.
   */
  lookup(base: string, path: string[]): string {
    const candidates: string[] = [];
    const walk = (prefix: string, rest: string[]): void => {
      if (rest.length === 0) return;
      const [head, ...tail] = rest as [string, ...string[]];
      if (tail.length > 0) walk(`${prefix} -> ${this.param(head, "text")}`, tail);
      candidates.push(`${prefix} -> ${this.param(rest.join("."), "text")}`);
    };
    walk(base, path);
    return candidates.length === 1 ? (candidates[0] as string) : `COALESCE(${candidates.join(", ")})`;
  }

  /** A field's value as jsonb (SQL NULL when absent or JSON null). */
  field(path: string[]): string {
    const [root, ...rest] = path as [string, ...string[]];
    switch (root) {
      case "params":
      case "tags":
        return `expbook_scalar(${this.lookup(`r.${root}`, rest)})`;
      case "summary":
        return `expbook_scalar(${this.lookup("r.summary", rest)})`;
      case "metrics":
        return `expbook_scalar(COALESCE(${this.lookup("r.summary", rest)}, ${this.lookup("r.latest", rest)}))`;
    }
    const column = TEXT_COLUMNS[root] ?? NULLABLE_COLUMNS[root];
    if (column === undefined) throw new InputError(`unknown field "${path.join(".")}"`);
    return `to_jsonb(${column})`;
  }

  operand(operand: Operand): string {
    if (operand.kind === "field") return this.field(operand.path);
    return operand.value === null ? "NULL::jsonb" : this.param(JSON.stringify(operand.value), "jsonb");
  }

  node(node: QueryNode): string {
    switch (node.kind) {
      case "and":
        return `(${this.node(node.left)} AND ${this.node(node.right)})`;
      case "or":
        return `(${this.node(node.left)} OR ${this.node(node.right)})`;
      case "not":
        return `(NOT ${this.node(node.operand)})`;
      case "compare":
        return `expbook_compare('${node.op}', ${this.operand(node.left)}, ${this.operand(node.right)})`;
      case "truthy":
        return `expbook_truthy(${this.operand(node.operand)})`;
    }
  }
}

/**
 * Compiles a run query (experiment, tags, `where`, sort, limit) to SQL over the run row `r` (which has an
 * `effective_status` column), with the same results as `applyRunQuery` on the same runs: missing fields
 * sort last, numbers before strings, ties by id. Parameters are numbered after `firstParams`.
 */
export function compileRunQuery(query: RunQuery, firstParams: unknown[] = []): CompiledQuery {
  const compiler = new Compiler(firstParams);
  const conditions: string[] = [];
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 0)) {
    throw new InputError(`limit must be a whole number ≥ 0, got ${query.limit}`);
  }
  if (query.experiment !== undefined)
    conditions.push(`r.experiment = ${compiler.param(query.experiment, "text")}`);
  const { tags } = query;
  if (Array.isArray(tags)) {
    for (const name of tags) {
      conditions.push(
        `COALESCE(r.tags -> ${compiler.param(name, "text")} NOT IN ('false'::jsonb, '""'::jsonb, '"false"'::jsonb), false)`,
      );
    }
  } else if (tags !== undefined && Object.keys(tags).length > 0) {
    conditions.push(`r.tags @> ${compiler.param(JSON.stringify(tags), "jsonb")}`);
  }
  if (query.where !== undefined && query.where.trim() !== "") {
    conditions.push(compiler.node(parseQuery(query.where)));
  }
  const sort = parseSortKey(query.sort ?? "created");
  const direction = sort.descending ? "DESC" : "ASC";
  const [root] = sort.path as [string];
  let orderBy: string;
  const column = sort.path.length === 1 ? TEXT_COLUMNS[root] : undefined;
  if (column !== undefined) {
    orderBy = `${column} COLLATE "C" ${direction}, r.id COLLATE "C" ASC`;
  } else {
    const key = compiler.field(sort.path);
    const isNumber = `(jsonb_typeof(${key}) = 'number')`;
    orderBy = [
      `(${key} IS NULL) ASC`,
      `${isNumber} ${sort.descending ? "ASC" : "DESC"}`,
      `CASE WHEN ${isNumber} THEN (${key})::double precision END ${direction}`,
      `CASE WHEN NOT ${isNumber} THEN (${key}) #>> '{}' END COLLATE "C" ${direction}`,
      `r.id COLLATE "C" ASC`,
    ].join(", ");
  }
  return {
    where: conditions.length === 0 ? "TRUE" : conditions.join(" AND "),
    orderBy,
    limit: query.limit === undefined ? "" : `LIMIT ${query.limit}`,
    params: compiler.params,
  };
}
