/** A JSON value (what request templates and responses are made of). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Fills a request template: every string exactly equal to `{{name}}` is replaced by `values[name]`
 * (a whole value, so features stay an object and a batch stays an array); other values are copied.
 */
export function fillTemplate(template: Json, values: Record<string, Json | undefined>): Json {
  if (typeof template === "string") {
    const name = /^\{\{(\w+)\}\}$/.exec(template)?.[1];
    return name !== undefined && name in values ? (values[name] ?? null) : template;
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (template !== null && typeof template === "object")
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, fillTemplate(value, values)]),
    );
  return template;
}

/** The value at a JSON pointer (RFC 6901: `""` is the whole document, `/predictions/0/label`), or undefined. */
export function atPointer(document: unknown, pointer: string): unknown {
  if (pointer === "") return document;
  let value = document;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
