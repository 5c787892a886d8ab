import { InputError } from "../util/errors.js";
import { FIELD_ROOTS } from "./run-fields.js";

/** A comparison operator of the query language. */
export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** A field or a literal in a query. */
export type Operand =
  | { kind: "field"; path: string[] }
  | { kind: "literal"; value: string | number | boolean | null };

/** A parsed query expression. */
export type QueryNode =
  | { kind: "and" | "or"; left: QueryNode; right: QueryNode }
  | { kind: "not"; operand: QueryNode }
  | { kind: "compare"; op: CompareOp; left: Operand; right: Operand }
  | { kind: "truthy"; operand: Operand };

type Token =
  | { type: "field"; path: string[]; text: string; at: number }
  | { type: "literal"; value: string | number | boolean | null; text: string; at: number }
  | { type: "op"; op: CompareOp; text: string; at: number }
  | { type: "and" | "or" | "not" | "(" | ")"; text: string; at: number }
  | { type: "end"; text: string; at: number };

const WORD_START = /[\p{L}_]/u;
const WORD_CHAR = /[\p{L}\p{N}_-]/u;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const OPS: [string, CompareOp][] = [
  ["==", "="],
  ["!=", "!="],
  ["<=", "<="],
  [">=", ">="],
  ["=", "="],
  ["<", "<"],
  [">", ">"],
];
const SIMPLE_FIELDS = new Set<string>([
  "status",
  "experiment",
  "name",
  "id",
  "seed",
  "note",
  "created",
  "started",
  "ended",
]);

class Lexer {
  constructor(
    private readonly source: string,
    private readonly fail: (message: string, at: number) => never,
  ) {}

  tokens(): Token[] {
    const out: Token[] = [];
    const s = this.source;
    let i = 0;
    while (i < s.length) {
      const char = s[i] as string;
      if (/\s/.test(char)) {
        i++;
        continue;
      }
      const start = i;
      if (char === "(" || char === ")") {
        out.push({ type: char, text: char, at: start });
        i++;
        continue;
      }
      if (s.startsWith("&&", i) || s.startsWith("||", i)) {
        out.push({ type: char === "&" ? "and" : "or", text: s.slice(i, i + 2), at: start });
        i += 2;
        continue;
      }
      const op = OPS.find(([text]) => s.startsWith(text, i));
      if (op) {
        out.push({ type: "op", op: op[1], text: op[0], at: start });
        i += op[0].length;
        continue;
      }
      if (char === "!") {
        out.push({ type: "not", text: "!", at: start });
        i++;
        continue;
      }
      if (char === '"' || char === "'") {
        const [value, end] = this.string(i);
        out.push({ type: "literal", value, text: s.slice(start, end), at: start });
        i = end;
        continue;
      }
      const number = NUMBER.exec(s.slice(i));
      if (number && !WORD_CHAR.test(s[i + number[0].length] ?? " ")) {
        out.push({ type: "literal", value: Number(number[0]), text: number[0], at: start });
        i += number[0].length;
        continue;
      }
      if (WORD_START.test(char)) {
        const [token, end] = this.word(i);
        out.push(token);
        i = end;
        continue;
      }
      this.fail(`unexpected character ${JSON.stringify(char)}`, start);
    }
    out.push({ type: "end", text: "", at: s.length });
    return out;
  }

  private string(start: number): [string, number] {
    const s = this.source;
    const quote = s[start];
    let value = "";
    let i = start + 1;
    while (i < s.length) {
      const char = s[i] as string;
      if (char === quote) return [value, i + 1];
      if (char === "\\" && i + 1 < s.length) {
        const next = s[i + 1] as string;
        value += next === "n" ? "\n" : next === "t" ? "\t" : next;
        i += 2;
        continue;
      }
      value += char;
      i++;
    }
    return this.fail("unterminated string", start);
  }

  private word(start: number): [Token, number] {
    const s = this.source;
    const segments: string[] = [];
    let i = start;
    for (;;) {
      if (s[i] === '"' || s[i] === "'") {
        const [value, end] = this.string(i);
        segments.push(value);
        i = end;
      } else {
        let j = i;
        while (j < s.length && WORD_CHAR.test(s[j] as string)) j++;
        if (j === i) this.fail("expected a field name after the dot", i);
        segments.push(s.slice(i, j));
        i = j;
      }
      if (s[i] !== ".") break;
      i++;
    }
    const text = s.slice(start, i);
    if (segments.length === 1) {
      const lower = text.toLowerCase();
      if (lower === "and" || lower === "or" || lower === "not") return [{ type: lower, text, at: start }, i];
      if (lower === "true" || lower === "false")
        return [{ type: "literal", value: lower === "true", text, at: start }, i];
      if (lower === "null") return [{ type: "literal", value: null, text, at: start }, i];
    }
    return [{ type: "field", path: segments, text, at: start }, i];
  }
}

/** Deepest nesting of parentheses and `not` a query may have. */
export const MAX_QUERY_DEPTH = 64;
/** Most conditions (comparisons and bare fields) a query may have. */
export const MAX_QUERY_TERMS = 1_000;

/**
 * Parses a query expression such as `params.lr < 0.01 and metrics.test_f1 > 0.9 and tags.baseline`.
 * Comparisons `= == != < <= > >=`, `and or not` (also `&& || !`), parentheses, string / number /
 * boolean / null literals, and bare fields (true when truthy). Fields: `params.*` (dotted for nested),
 * `metrics.*` (summary, else last logged value), `summary.*`, `tags.*`, `status`, `experiment`,
 * `name`, `id`, `seed`, `note`, `created`, `started`, `ended`.
 * Throws InputError naming the bad token and its column.
 */
export function parseQuery(source: string): QueryNode {
  const fail = (message: string, at: number): never => {
    // "unexpected "<" (expected a value)" → "unexpected "<" at column 13 in query "..." (expected a value)"
    const hint = /^(.*?)( \(.*\))?$/s.exec(message);
    const shown = source.length > 120 ? `${source.slice(0, 119)}…` : source;
    throw new InputError(`${hint?.[1] ?? message} at column ${at + 1} in query "${shown}"${hint?.[2] ?? ""}`);
  };
  const tokens = new Lexer(source, fail).tokens();
  let position = 0;
  const peek = (): Token => tokens[position] as Token;
  const unexpected = (expected: string): never => {
    const token = peek();
    return fail(
      token.type === "end"
        ? `unexpected end of query (expected ${expected})`
        : `unexpected "${token.text}" (expected ${expected})`,
      token.at,
    );
  };

  const operand = (): Operand => {
    const token = peek();
    if (token.type === "literal") {
      position++;
      return { kind: "literal", value: token.value };
    }
    if (token.type === "field") {
      position++;
      checkField(token, fail);
      return { kind: "field", path: token.path };
    }
    return unexpected("a field or a value");
  };

  // Bounds that keep parsing and evaluation (both recursive) far from the stack limit.
  let depth = 0;
  let terms = 0;
  const deeper = (at: number): void => {
    if (++depth > MAX_QUERY_DEPTH)
      fail(`query nests deeper than ${MAX_QUERY_DEPTH} levels (parentheses and "not")`, at);
  };
  const primary = (): QueryNode => {
    const token = peek();
    if (++terms > MAX_QUERY_TERMS) fail(`query has more than ${MAX_QUERY_TERMS} conditions`, token.at);
    if (token.type === "(") {
      position++;
      deeper(token.at);
      const inner = or();
      depth--;
      if (peek().type !== ")") unexpected('")"');
      position++;
      return inner;
    }
    const left = operand();
    const next = peek();
    if (next.type === "op") {
      position++;
      return { kind: "compare", op: next.op, left, right: operand() };
    }
    return { kind: "truthy", operand: left };
  };

  const not = (): QueryNode => {
    if (peek().type === "not") {
      deeper(peek().at);
      position++;
      const operand = not();
      depth--;
      return { kind: "not", operand };
    }
    return primary();
  };

  const and = (): QueryNode => {
    let left = not();
    while (peek().type === "and") {
      position++;
      left = { kind: "and", left, right: not() };
    }
    return left;
  };

  const or = (): QueryNode => {
    let left = and();
    while (peek().type === "or") {
      position++;
      left = { kind: "or", left, right: and() };
    }
    return left;
  };

  if (peek().type === "end") return fail("empty query", 0);
  const tree = or();
  if (peek().type !== "end") unexpected('"and", "or" or the end of the query');
  return tree;
}

function checkField(
  token: Extract<Token, { type: "field" }>,
  fail: (message: string, at: number) => never,
): void {
  const [root, ...rest] = token.path as [string, ...string[]];
  if (SIMPLE_FIELDS.has(root)) {
    if (rest.length > 0) fail(`field "${root}" has no sub-fields ("${token.text}")`, token.at);
    return;
  }
  if (root === "params" || root === "metrics" || root === "summary" || root === "tags") {
    if (rest.length === 0) fail(`"${root}" needs a name, e.g. ${root}.NAME`, token.at);
    return;
  }
  fail(
    `unknown field "${token.text}" (fields: ${FIELD_ROOTS.map((r) => (SIMPLE_FIELDS.has(r) ? r : `${r}.*`)).join(", ")}; quote string values)`,
    token.at,
  );
}
