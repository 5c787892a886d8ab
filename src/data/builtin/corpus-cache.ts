import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { codeKey } from "../../cache/texts-key.js";
import { writeFileAtomically } from "../../util/cache-dir.js";
import { canonicalJson } from "../../util/hash.js";
import { fingerprintRows } from "../fingerprint.js";
import type { Example } from "../types.js";

// A built-in corpus in one file that loads fast. Allocating memory is the cost on these machines (the
// first touch of a page is slow), so the texts are stored as two strings' bytes, the ASCII texts
// (latin1) and the rest (UTF-16), and each text is a slice of one of them: V8 makes those views, not
// copies. The file also keeps the rows' fingerprint, so a load does not serialise and hash the corpus.
//
// Layout: line 1, a checksum of everything after it; line 2, a JSON header; then the ASCII bytes and
// the UTF-16LE bytes. A file that fails its hash, is cut, or is of another format is ignored (rebuilt).

/** One record of a corpus: its text and small JSON fields. */
export interface CorpusRecord {
  text: string;
  [field: string]: string | number | boolean;
}

/** A corpus read back: its rows and their fingerprint. */
export interface CorpusRows {
  rows: Example[];
  fingerprint: string;
}

interface CorpusHeader {
  format: 1;
  /** Each record without its text. */
  fields: Array<Record<string, unknown>>;
  /** Per record: segment (0 ASCII, 1 UTF-16), start and end in that segment's characters. */
  spans: number[];
  asciiLength: number;
  wideLength: number;
  fingerprint: string;
  /** What the fingerprint was computed with (see `fingerprintCode`): another key means recompute. */
  fingerprintCode: string;
}

const FORMAT = 1;

/**
 * A checksum against a damaged or cut file (not against tampering: the cache is the user's own).
 * SHA-1, which this CPU hashes several times faster than SHA-256 (a load hashes 25 MB).
 */
function checksum(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

// Rows of every shape the fingerprint serialises (nested and numeric-like keys, escapes, non-ASCII):
// any change to how rows are fingerprinted changes their fingerprint, and so the key below.
const canaryRows: Example[] = [
  { id: "a/1", text: 'Hé said "\\n"\t\u2028', label: "x", meta: { b: 1, a: "z", "10": true, "9": 0 } },
  { id: "b", features: { y: -0.5, x: 1e-9 }, target: 1790, meta: {} },
];

function fingerprintCode(toRows: (records: never[]) => Example[]): string {
  return createHash("sha256")
    .update(codeKey(fingerprintRows, canonicalJson, toRows))
    .update(fingerprintRows(canaryRows))
    .digest("hex");
}

/**
 * Reads a corpus cache file into rows (`toRows` maps its records, and keys the fingerprint), or
 * undefined when it is missing, damaged or stale. A file whose fingerprint was computed by other code
 * gives rows with a fingerprint computed now.
 */
export function readCorpusCache<R extends CorpusRecord>(
  path: string,
  toRows: (records: R[]) => Example[],
): CorpusRows | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  const firstBreak = bytes.indexOf(10);
  const secondBreak = firstBreak < 0 ? -1 : bytes.indexOf(10, firstBreak + 1);
  if (secondBreak < 0) return undefined;
  const hash = checksum(bytes.subarray(firstBreak + 1));
  if (hash !== bytes.toString("latin1", 0, firstBreak)) return undefined;
  const header = JSON.parse(bytes.toString("utf8", firstBreak + 1, secondBreak)) as CorpusHeader;
  if (header.format !== FORMAT) return undefined;
  const asciiStart = secondBreak + 1;
  const wideStart = asciiStart + header.asciiLength;
  const ascii = bytes.toString("latin1", asciiStart, wideStart);
  const wide = bytes.toString("utf16le", wideStart, wideStart + 2 * header.wideLength);
  const records = header.fields.map((fields, i) => {
    const [segment, start, end] = header.spans.slice(3 * i, 3 * i + 3) as [number, number, number];
    return { ...fields, text: (segment === 0 ? ascii : wide).slice(start, end) } as R;
  });
  const rows = toRows(records);
  const fingerprint =
    header.fingerprintCode === fingerprintCode(toRows) ? header.fingerprint : fingerprintRows(rows);
  return { rows, fingerprint };
}

/**
 * Writes records as a corpus cache file and returns their rows and fingerprint. A file that cannot
 * be written only costs speed: the next load builds it again.
 */
export function writeCorpusCache<R extends CorpusRecord>(
  path: string,
  records: readonly R[],
  toRows: (records: R[]) => Example[],
): CorpusRows {
  const rows = toRows([...records]);
  const fingerprint = fingerprintRows(rows);
  const asciiTexts: string[] = [];
  const wideTexts: string[] = [];
  const lengths = [0, 0];
  const spans: number[] = [];
  const fields = records.map(({ text, ...rest }) => {
    // Only ASCII text takes one UTF-8 byte per UTF-16 unit.
    const segment = Buffer.byteLength(text, "utf8") === text.length ? 0 : 1;
    (segment === 0 ? asciiTexts : wideTexts).push(text);
    const start = lengths[segment] as number;
    lengths[segment] = start + text.length;
    spans.push(segment, start, start + text.length);
    return rest;
  });
  const header: CorpusHeader = {
    format: FORMAT,
    fields,
    spans,
    asciiLength: lengths[0] as number,
    wideLength: lengths[1] as number,
    fingerprint,
    fingerprintCode: fingerprintCode(toRows),
  };
  const body = Buffer.concat([
    Buffer.from(`${JSON.stringify(header)}\n`, "utf8"),
    Buffer.from(asciiTexts.join(""), "latin1"),
    Buffer.from(wideTexts.join(""), "utf16le"),
  ]);
  const hash = checksum(body);
  try {
    writeFileAtomically(path, Buffer.concat([Buffer.from(`${hash}\n`, "latin1"), body]));
  } catch {
    // Not cached: the next load reads the package's files again.
  }
  return { rows, fingerprint };
}
