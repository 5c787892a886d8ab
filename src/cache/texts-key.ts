import { createHash } from "node:crypto";

/**
 * SHA-256 of a list of texts, each prefixed by its length (so no two different lists share a key):
 * the content part of every derived-cache key that depends on texts.
 */
export function textsKey(texts: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(`${texts.length}\n`);
  for (const text of texts) hash.update(`${text.length}:`).update(text);
  return hash.digest("hex");
}

/** SHA-256 of a function's source text: a derived key that names it changes when the code does. */
export function codeKey(...functions: Array<(...args: never[]) => unknown>): string {
  return createHash("sha256")
    .update(functions.map((fn) => fn.toString()).join("\n\0\n"))
    .digest("hex");
}
