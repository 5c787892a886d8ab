// One cache entry on disk: magic, header length, a JSON header (the entry's meta and its arrays'
// types and lengths), then each array's bytes, 8-byte aligned, followed by a SHA-256 of everything
// before it so a torn or damaged file is recognised and recomputed.
import { createHash } from "node:crypto";

/** A typed array a cache entry can hold. */
export type EntryArray = Int32Array | Float32Array | Float64Array | Uint8Array;

/** A cached value as stored: JSON-able meta (strings, small lists) and named typed arrays. */
export interface CacheEntry {
  meta: unknown;
  arrays: Record<string, EntryArray>;
}

const magic = "EXPBDRV1";
const digestBytes = 32;
const constructors = { Int32Array, Float32Array, Float64Array, Uint8Array } as const;
type ArrayType = keyof typeof constructors;

interface Header {
  meta: unknown;
  arrays: Array<{ name: string; type: ArrayType; length: number }>;
}

const aligned = (offset: number): number => Math.ceil(offset / 8) * 8;

// By instanceof, not the constructor's name: a Buffer (a Uint8Array subclass) is stored as a Uint8Array.
const typeOf = (array: EntryArray): ArrayType =>
  array instanceof Int32Array
    ? "Int32Array"
    : array instanceof Float32Array
      ? "Float32Array"
      : array instanceof Float64Array
        ? "Float64Array"
        : "Uint8Array";

/** Serialises an entry (see the file comment for the layout). */
export function encodeEntry(entry: CacheEntry): Buffer {
  const names = Object.keys(entry.arrays).sort();
  const header: Header = {
    meta: entry.meta,
    arrays: names.map((name) => {
      const array = entry.arrays[name] as EntryArray;
      return { name, type: typeOf(array), length: array.length };
    }),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  let size = aligned(12 + headerBytes.length);
  for (const name of names) size = aligned(size + (entry.arrays[name] as EntryArray).byteLength);
  const out = Buffer.alloc(size + digestBytes);
  out.write(magic, 0, "latin1");
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  let offset = aligned(12 + headerBytes.length);
  for (const name of names) {
    const array = entry.arrays[name] as EntryArray;
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
    offset = aligned(offset + array.byteLength);
  }
  createHash("sha256").update(out.subarray(0, size)).digest().copy(out, size);
  return out;
}

/** Reads an entry written by `encodeEntry`; undefined when the bytes are not a whole, intact entry. */
export function decodeEntry(bytes: Buffer): CacheEntry | undefined {
  if (bytes.length < 12 + digestBytes || bytes.toString("latin1", 0, 8) !== magic) return undefined;
  const size = bytes.length - digestBytes;
  const digest = createHash("sha256").update(bytes.subarray(0, size)).digest();
  if (!digest.equals(bytes.subarray(size))) return undefined;
  const headerLength = bytes.readUInt32LE(8);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString("utf8", 12, 12 + headerLength)) as Header;
  } catch {
    return undefined;
  }
  const arrays: Record<string, EntryArray> = {};
  // Views into the bytes when they are a buffer of their own (a file read of more than a few kB): the
  // arrays then share nothing with anyone else, and copying megabytes into fresh memory cost more than
  // reading and checking them. Small reads come from Node's shared pool, so their arrays are copies.
  const file = bytes.buffer;
  const own = file instanceof ArrayBuffer && bytes.byteOffset === 0 && file.byteLength === bytes.length;
  let offset = aligned(12 + headerLength);
  for (const { name, type, length } of header.arrays) {
    const Constructor = constructors[type];
    if (!Constructor) return undefined;
    const byteLength = length * Constructor.BYTES_PER_ELEMENT;
    if (offset + byteLength > size) return undefined;
    if (own) {
      arrays[name] = new Constructor(file, offset, length);
    } else {
      const copy = new Uint8Array(byteLength);
      copy.set(bytes.subarray(offset, offset + byteLength));
      arrays[name] = new Constructor(copy.buffer, 0, length);
    }
    offset = aligned(offset + byteLength);
  }
  return { meta: header.meta, arrays };
}
