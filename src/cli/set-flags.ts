import { InputError } from "../util/errors.js";

/** Collects repeated `--set key=value` flags (a commander option reducer). */
export function collectSet(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

// Keys that would reach Object.prototype (or a constructor) through a plain object.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Turns `key=value` pairs into params: values are read as JSON when they parse (numbers, booleans,
 * arrays), else kept as strings; dotted keys build nested objects.
 *
 * @example parseSetFlags(["learningRate=0.01", "init=glove"]) // { learningRate: 0.01, init: "glove" }
 */
export function parseSetFlags(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new InputError(`--set ${pair} is not key=value`);
    const path = pair.slice(0, equals).split(".");
    for (const key of path) {
      if (key === "" || FORBIDDEN_KEYS.has(key)) {
        throw new InputError(
          `--set ${pair.slice(0, equals)}: "${key}" cannot be a param name (${key === "" ? "empty" : "reserved by JavaScript"}); rename it`,
        );
      }
    }
    let target = params;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (!Object.hasOwn(target, key) || next === null || typeof next !== "object") target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[path[path.length - 1] as string] = parseValue(pair.slice(equals + 1));
  }
  return params;
}
