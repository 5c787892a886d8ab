import { createHash } from "node:crypto";
import { canonicalJson } from "../util/hash.js";
import type { Example } from "./types.js";

/**
 * SHA-256 over the canonical JSON of every row, in order: the same rows give the same fingerprint
 * on every machine, and any change to an id, text, label, target, feature or metadata value changes it.
 */
export function fingerprintRows(rows: readonly Example[]): string {
  const hash = createHash("sha256");
  for (const row of rows) {
    hash.update(canonicalJson(row));
    hash.update("\n");
  }
  return hash.digest("hex");
}

/** Fingerprint of a set of ids (order-independent). */
export function fingerprintIds(parts: readonly string[], ids: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part}\n`);
  for (const id of [...ids].sort()) hash.update(`${id}\n`);
  return hash.digest("hex");
}
