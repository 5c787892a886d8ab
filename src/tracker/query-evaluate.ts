import { type FieldValue, fieldValue } from "./run-fields.js";
import type { CompareOp, Operand, QueryNode } from "./query-parse.js";
import type { RunRecord } from "./types.js";

function resolve(operand: Operand, run: RunRecord): FieldValue {
  return operand.kind === "literal" ? operand.value : fieldValue(run, operand.path);
}

// Tags are often strings ("3", "true") compared with typed literals; meet them halfway.
function coerce(a: FieldValue, b: FieldValue): [FieldValue, FieldValue] {
  if (typeof a === "number" && typeof b === "string" && b.trim() !== "" && Number.isFinite(Number(b)))
    return [a, Number(b)];
  if (typeof a === "string" && typeof b === "number" && a.trim() !== "" && Number.isFinite(Number(a)))
    return [Number(a), b];
  if (typeof a === "boolean" && (b === "true" || b === "false")) return [a, b === "true"];
  if (typeof b === "boolean" && (a === "true" || a === "false")) return [a === "true", b];
  return [a, b];
}

function equal(a: FieldValue, b: FieldValue): boolean {
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  const [x, y] = coerce(a, b);
  return x === y;
}

function compare(op: CompareOp, a: FieldValue, b: FieldValue): boolean {
  if (op === "=") return equal(a, b);
  if (op === "!=") return !equal(a, b);
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const [x, y] = coerce(a, b);
  if (typeof x !== typeof y || typeof x === "boolean") return false;
  const [p, q] = [x as number | string, y as number | string];
  if (op === "<") return p < q;
  if (op === "<=") return p <= q;
  if (op === ">") return p > q;
  return p >= q;
}

/**
 * Evaluates a parsed query on a run. A missing field fails every comparison except `!=`;
 * ordering compares numbers with numbers and strings with strings (ISO times order correctly).
 */
export function matchesQuery(node: QueryNode, run: RunRecord): boolean {
  switch (node.kind) {
    case "and":
      return matchesQuery(node.left, run) && matchesQuery(node.right, run);
    case "or":
      return matchesQuery(node.left, run) || matchesQuery(node.right, run);
    case "not":
      return !matchesQuery(node.operand, run);
    case "compare":
      return compare(node.op, resolve(node.left, run), resolve(node.right, run));
    case "truthy": {
      const value = resolve(node.operand, run);
      return (
        value !== undefined &&
        value !== null &&
        value !== false &&
        value !== 0 &&
        value !== "" &&
        value !== "false"
      );
    }
  }
}
