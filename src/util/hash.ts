import { loadOnUse } from "./load-on-use.js";

/** SHA-256 of a string or bytes, as lower-case hex. */
export function sha256(data: string | Uint8Array): string {
  return loadOnUse("node:crypto").createHash("sha256").update(data).digest("hex");
}

/**
 * JSON with object keys sorted at every depth, so equal values always serialise to equal text
 * (the basis of every fingerprint).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
