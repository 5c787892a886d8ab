import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { cacheDirectory, writeFileAtomically } from "../util/cache-dir.js";
import { canonicalJson, sha256 } from "../util/hash.js";
import { expbookVersion } from "../util/version.js";
import { type CacheEntry, decodeEntry, encodeEntry } from "./entry-codec.js";

/**
 * Bumped when the layout of every cached entry changes; a kind's own layout is covered by the code
 * its key names (see `derivedKey`).
 */
const cacheFormat = 1;

/**
 * Environment variable of the derived cache: `off` turns it off; an absolute path puts it there
 * (e.g. a fresh folder for a cold-cache benchmark); unset, it is `<cache>/derived`.
 */
export const derivedCacheEnv = "EXPBOOK_DERIVED_CACHE";

const offValues = new Set(["off", "0", "false", "no"]);

/** False when `EXPBOOK_DERIVED_CACHE` is `off`: every value is then computed afresh. */
export function derivedCacheEnabled(): boolean {
  return !offValues.has(process.env[derivedCacheEnv]?.toLowerCase() ?? "");
}

/**
 * Where derived data (tokens, vocabularies, token ids, pretrained rows, pooled vectors) is cached:
 * `EXPBOOK_DERIVED_CACHE` when it is an absolute path, else `derived/` in the cache directory
 * (`EXPBOOK_CACHE`, else `<project root>/.cache/expbook`).
 */
export function derivedCacheDirectory(): string {
  const given = process.env[derivedCacheEnv];
  return given && isAbsolute(given) ? given : join(cacheDirectory(), "derived");
}

/** How a value is turned into a cache entry and back. `decode(encode(v))` must equal `v`. */
export interface EntryCodec<T> {
  encode(value: T): CacheEntry;
  decode(entry: CacheEntry): T;
}

/** What names a cached value: its kind (a folder) and every input it is computed from. */
export interface DerivedSpec {
  /** The kind of value, e.g. "tokens"; a kebab-case folder name. */
  kind: string;
  /**
   * Everything the value depends on: content hashes of the data, options, and the source text of
   * the functions that compute it (so an edited function gives a new key).
   */
  inputs: unknown;
}

/** The content key of a value: SHA-256 of its kind, inputs, the cache format and expbook's version. */
export function derivedKey(spec: DerivedSpec): string {
  return sha256(canonicalJson({ format: cacheFormat, expbook: expbookVersion(), ...spec }));
}

/** The file a value is (or would be) cached in. */
export function derivedPath(spec: DerivedSpec): string {
  return join(derivedCacheDirectory(), spec.kind, `${derivedKey(spec)}.bin`);
}

// Entries this process has read or written, by file, while the file stays the same one: a study worker
// runs many jobs of one split, which read the same tokens and vectors again and again. Keyed by content
// (the file name is the content key) and checked against the file's identity, so nothing stale is read.
interface Remembered {
  stamp: string;
  entry: CacheEntry;
  bytes: number;
}
const remembered = new Map<string, Remembered>();
let rememberedBytes = 0;
/** At most this many bytes of entries are kept in memory per process, the least recently used dropped. */
const rememberLimit = 256 * 1024 * 1024;

/** The file's identity and version (device, inode, size, times), or undefined when it is missing. */
function stampOf(path: string): string | undefined {
  try {
    const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
    return stat && `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function freeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) freeze(inner);
}

function remember(path: string, stamp: string | undefined, entry: CacheEntry, bytes: number): void {
  const previous = remembered.get(path);
  if (previous) {
    remembered.delete(path);
    rememberedBytes -= previous.bytes;
  }
  if (stamp === undefined || bytes > rememberLimit / 4) return;
  // Shared by every later reader of the entry: frozen, so a caller that changes it fails loudly.
  freeze(entry.meta);
  remembered.set(path, { stamp, entry, bytes });
  rememberedBytes += bytes;
  for (const [oldest, { bytes: size }] of remembered) {
    if (rememberedBytes <= rememberLimit) break;
    remembered.delete(oldest);
    rememberedBytes -= size;
  }
}

/** A remembered entry with copies of its arrays (each caller owns its arrays; the meta is frozen). */
function handedOut(entry: CacheEntry): CacheEntry {
  return {
    meta: entry.meta,
    arrays: Object.fromEntries(Object.entries(entry.arrays).map(([name, array]) => [name, array.slice()])),
  };
}

function readEntry(path: string): CacheEntry | undefined {
  const stamp = stampOf(path);
  if (stamp === undefined) return undefined;
  const known = remembered.get(path);
  if (known?.stamp === stamp) {
    remembered.delete(path);
    remembered.set(path, known);
    return handedOut(known.entry);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  // A damaged file (a disk error, a foreign file) is a miss: the value is computed and written again.
  const entry = decodeEntry(bytes);
  if (!entry) return undefined;
  // Stamped before the read: if the file was replaced meanwhile, the next call sees a new stamp.
  remember(path, stamp, entry, bytes.length);
  return handedOut(entry);
}

/**
 * The value for `spec`: read from the derived cache when an entry with the same content key is there,
 * else computed, written (atomically: concurrent workers see a whole entry or none) and returned.
 * A write that fails (read-only or full disk) only loses the cache, never the value. With the cache
 * off (`EXPBOOK_DERIVED_CACHE=off`) the value is always computed; either way the value is the same.
 *
 * @example
 * const ids = cachedValue({ kind: "squares", inputs: { n } }, int32Codec, () => squares(n));
 */
export function cachedValue<T>(spec: DerivedSpec, codec: EntryCodec<T>, compute: () => T): T {
  if (!derivedCacheEnabled()) return compute();
  const path = derivedPath(spec);
  const entry = readEntry(path);
  if (entry) return codec.decode(entry);
  const value = compute();
  try {
    const bytes = encodeEntry(codec.encode(value));
    writeFileAtomically(path, bytes);
    // What a reader of the file would get (views into the bytes, which only the memory keeps).
    const written = decodeEntry(bytes);
    if (written) remember(path, stampOf(path), written, bytes.length);
  } catch {
    // The cache is an optimisation; the value stands without it.
  }
  return value;
}
