import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, beforeEach, describe, test } from "node:test";
import {
  cachedEmbeddings,
  cachedTokenIds,
  cachedTokens,
  cachedValue,
  derivedCacheDirectory,
  derivedCacheEnv,
  derivedPath,
  type EntryCodec,
  encodeEntry,
  type TokenIds,
} from "../../src/cache/index.js";
import { tokenize } from "../../src/data/tokenize.js";
import { meanVectorEmbedder, type PretrainedVectors, type TextEmbedder } from "../../src/embeddings/index.js";
import { createRng } from "../../src/util/random.js";
import { tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);
let folder = 0;
let previous: string | undefined;
beforeEach(() => {
  previous = process.env[derivedCacheEnv];
  process.env[derivedCacheEnv] = join(work.path, `cache-${folder++}`);
});
afterEach(() => {
  if (previous === undefined) delete process.env[derivedCacheEnv];
  else process.env[derivedCacheEnv] = previous;
});

const float64Codec: EntryCodec<Float64Array> = {
  encode: (values) => ({ meta: { n: values.length }, arrays: { values } }),
  decode: (entry) => entry.arrays.values as Float64Array,
};

/** Seeded random texts: words, digits, apostrophes, capitals, punctuation, non-ASCII, empty ones. */
function randomTexts(seed: number, count: number): string[] {
  const rng = createRng(seed);
  const pieces = [
    "Money",
    "won't",
    "FREE",
    "42",
    "naïve",
    "e-mail",
    "x",
    "",
    "  ",
    "\n",
    "€",
    "o'clock!",
    "ham",
  ];
  return Array.from({ length: count }, () =>
    Array.from({ length: rng.int(12) }, () => pieces[rng.int(pieces.length)]).join(rng.int(2) ? " " : ""),
  );
}

function entries(kind: string): string[] {
  const dir = join(derivedCacheDirectory(), kind);
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe("the derived cache", () => {
  test("computes a value once, then reads the same value back from disk", () => {
    let computed = 0;
    const spec = { kind: "squares", inputs: { n: 5 } };
    const compute = () => {
      computed++;
      return Float64Array.from({ length: 5 }, (_, i) => i * i + 0.1);
    };
    const first = cachedValue(spec, float64Codec, compute);
    const second = cachedValue(spec, float64Codec, compute);
    assert.equal(computed, 1);
    assert.deepEqual([...second], [...first]);
    assert.ok(existsSync(derivedPath(spec)));
  });

  test("a changed input changes the key: a new entry is computed, the old one stays", () => {
    let computed = 0;
    const compute = (n: number) => () => {
      computed++;
      return new Float64Array(n).fill(n);
    };
    const a = cachedValue({ kind: "fill", inputs: { n: 3 } }, float64Codec, compute(3));
    const b = cachedValue({ kind: "fill", inputs: { n: 4 } }, float64Codec, compute(4));
    assert.equal(computed, 2);
    assert.deepEqual([...a], [3, 3, 3]);
    assert.deepEqual([...b], [4, 4, 4, 4]);
    assert.notEqual(
      derivedPath({ kind: "fill", inputs: { n: 3 } }),
      derivedPath({ kind: "fill", inputs: { n: 4 } }),
    );
    assert.equal(entries("fill").length, 2);
  });

  test("tokens: one changed character in one text is a different entry with that text's tokens", () => {
    const texts = randomTexts(1, 50);
    const edited = [...texts];
    edited[17] = `${edited[17]} Prize`;
    assert.deepEqual(cachedTokens(texts), texts.map(tokenize));
    assert.deepEqual(cachedTokens(edited), edited.map(tokenize));
    assert.equal(entries("tokens").length, 2);
    // Read back from disk, both are still right.
    assert.deepEqual(cachedTokens(texts), texts.map(tokenize));
    assert.deepEqual(cachedTokens(edited), edited.map(tokenize));
    assert.equal(entries("tokens").length, 2);
  });

  test("tokens equal tokenize on seeded random texts, cold and warm, including empty lists", () => {
    for (const seed of [2, 3, 4, 5]) {
      const texts = randomTexts(seed, seed * 20);
      assert.deepEqual(cachedTokens(texts), texts.map(tokenize), `seed ${seed} cold`);
      assert.deepEqual(cachedTokens(texts), texts.map(tokenize), `seed ${seed} warm`);
    }
    assert.deepEqual(cachedTokens([]), []);
  });

  test("token ids: the term dictionary and flat ids spell each text's tokens, cold and warm", () => {
    const texts = randomTexts(7, 60);
    const spelled = ({ terms, ids, offsets }: TokenIds) =>
      texts.map((_, i) => [...ids.subarray(offsets[i], offsets[i + 1])].map((id) => terms[id]));
    const cold = cachedTokenIds(texts);
    assert.deepEqual(spelled(cold), texts.map(tokenize));
    assert.equal(new Set(cold.terms).size, cold.terms.length, "each term once");
    assert.deepEqual(spelled(cachedTokenIds(texts)), texts.map(tokenize));
    assert.equal(entries("tokens").length, 1, "the same entry as cachedTokens");
    assert.deepEqual(cachedTokens(texts), texts.map(tokenize));
    assert.equal(entries("tokens").length, 1);
  });

  test("a damaged entry is recomputed and rewritten", () => {
    let computed = 0;
    const spec = { kind: "damaged", inputs: 1 };
    const compute = () => {
      computed++;
      return Float64Array.of(1.5, 2.5);
    };
    cachedValue(spec, float64Codec, compute);
    const path = derivedPath(spec);
    const bytes = readFileSync(path);
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 0xff;
    // Replaced as another process would (a new file renamed over it): the same size, so only the
    // file's identity tells this process that the entry it remembers is no longer the file's.
    writeFileSync(`${path}.damaged`, bytes);
    renameSync(`${path}.damaged`, path);
    assert.deepEqual([...cachedValue(spec, float64Codec, compute)], [1.5, 2.5]);
    assert.equal(computed, 2);
    writeFileSync(path, bytes.subarray(0, 20));
    assert.deepEqual([...cachedValue(spec, float64Codec, compute)], [1.5, 2.5]);
    assert.equal(computed, 3);
    assert.deepEqual([...cachedValue(spec, float64Codec, compute)], [1.5, 2.5]);
    assert.equal(computed, 3, "the rewritten entry is read");
  });

  test("an entry read again in the same process is the file's current one, and each caller owns its arrays", () => {
    let computed = 0;
    const spec = { kind: "reread", inputs: 1 };
    const compute = () => {
      computed++;
      return Float64Array.of(1.5, 2.5);
    };
    const first = cachedValue(spec, float64Codec, compute);
    first[0] = 99;
    const second = cachedValue(spec, float64Codec, compute);
    assert.deepEqual([...second], [1.5, 2.5], "a change to one caller's array is not seen by the next");
    second[1] = 98;
    assert.deepEqual([...cachedValue(spec, float64Codec, compute)], [1.5, 2.5]);
    assert.equal(computed, 1);
    // Another process replaces the entry (atomically, as writers do): this process reads the new file.
    const path = derivedPath(spec);
    writeFileSync(`${path}.other`, encodeEntry(float64Codec.encode(Float64Array.of(7, 8, 9))));
    renameSync(`${path}.other`, path);
    assert.deepEqual([...cachedValue(spec, float64Codec, compute)], [7, 8, 9]);
    // Removed (the cache cleared): computed and written again.
    rmSync(path);
    assert.deepEqual([...cachedValue(spec, float64Codec, compute)], [1.5, 2.5]);
    assert.equal(computed, 2);
    assert.ok(existsSync(path));
  });

  test("the meta a cached value shares is frozen: a caller that changes it fails instead of changing others'", () => {
    const texts = ["win money now", "meeting at noon"];
    cachedTokenIds(texts);
    const { terms } = cachedTokenIds(texts);
    assert.throws(() => (terms as string[]).push("more"), TypeError);
    assert.deepEqual(cachedTokenIds(texts).terms, ["win", "money", "now", "meeting", "at", "noon"]);
  });

  test("off (EXPBOOK_DERIVED_CACHE=off): always computed, nothing written", () => {
    process.env[derivedCacheEnv] = "off";
    let computed = 0;
    const compute = () => {
      computed++;
      return Float64Array.of(7);
    };
    cachedValue({ kind: "off", inputs: 0 }, float64Codec, compute);
    cachedValue({ kind: "off", inputs: 0 }, float64Codec, compute);
    assert.equal(computed, 2);
    assert.equal(existsSync(derivedPath({ kind: "off", inputs: 0 })), false);
  });

  test("embeddings: cached only for an embedder with a content key, and keyed by it", () => {
    let calls = 0;
    const embedder = (contentKey: string | undefined, shift: number): TextEmbedder => ({
      name: "test",
      dim: 3,
      embed: (tokens) => {
        calls++;
        return Float32Array.of(tokens.length + shift, shift, 0.25);
      },
      ...(contentKey === undefined ? {} : { contentKey }),
    });
    const texts = randomTexts(6, 10);
    const expected = (shift: number) => texts.map((text) => [tokenize(text).length + shift, shift, 0.25]);
    const plain = (vectors: Float32Array[]) => vectors.map((v) => [...v]);
    assert.deepEqual(plain(cachedEmbeddings(texts, embedder(undefined, 1))), expected(1));
    assert.deepEqual(plain(cachedEmbeddings(texts, embedder(undefined, 1))), expected(1));
    assert.equal(calls, 20, "no content key: embedded every time");
    assert.equal(entries("pooled-vectors").length, 0);
    calls = 0;
    assert.deepEqual(plain(cachedEmbeddings(texts, embedder("v1", 1))), expected(1));
    assert.deepEqual(plain(cachedEmbeddings(texts, embedder("v1", 1))), expected(1));
    assert.equal(calls, 10, "embedded once, then read back");
    assert.deepEqual(plain(cachedEmbeddings(texts, embedder("v2", 2))), expected(2));
    assert.equal(calls, 20, "a new content key embeds again");
    assert.equal(entries("pooled-vectors").length, 2);
  });

  test("mean vectors built by hand (no content key) are pooled afresh every time, never cached", () => {
    const words = ["money", "free", "ham"];
    const handMade = (scale: number): PretrainedVectors => {
      const matrix = Float32Array.from({ length: 6 }, (_, i) => (i + 1) * scale);
      const index = new Map(words.map((word, row) => [word, row]));
      return {
        words,
        index,
        dim: 2,
        matrix,
        source: "same-name",
        vector: (word) => {
          const row = index.get(word);
          return row === undefined ? undefined : matrix.subarray(row * 2, row * 2 + 2);
        },
      };
    };
    const texts = ["free money", "ham", "nothing known"];
    const first = meanVectorEmbedder(handMade(1));
    const second = meanVectorEmbedder(handMade(10));
    assert.equal(first.contentKey, undefined);
    assert.deepEqual(
      cachedEmbeddings(texts, first).map((v) => [...v]),
      [
        [2, 3],
        [5, 6],
        [0, 0],
      ],
    );
    assert.deepEqual(
      cachedEmbeddings(texts, second).map((v) => [...v]),
      [
        [20, 30],
        [50, 60],
        [0, 0],
      ],
      "same source name, other vectors: not mistaken for the first",
    );
    assert.equal(entries("pooled-vectors").length, 0);
  });

  test("processes writing the same entry at once leave one whole entry and no temporary files", async () => {
    const dir = process.env[derivedCacheEnv] as string;
    const texts = randomTexts(7, 2000);
    const script = `
      import { cachedTokens } from ${JSON.stringify(new URL("../../src/cache/index.ts", import.meta.url).href)};
      const texts = ${JSON.stringify(texts)};
      process.stdout.write(JSON.stringify(cachedTokens(texts)));
    `;
    const outputs = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
              env: { ...process.env, [derivedCacheEnv]: dir },
              stdio: ["ignore", "pipe", "inherit"],
            });
            let out = "";
            child.stdout.on("data", (chunk: Buffer) => {
              out += chunk.toString();
            });
            child.on("error", reject);
            child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
          }),
      ),
    );
    for (const output of outputs) assert.deepEqual(JSON.parse(output), texts.map(tokenize));
    assert.deepEqual(
      entries("tokens").filter((name) => !name.endsWith(".bin")),
      [],
      "no temporary file left",
    );
    assert.equal(entries("tokens").length, 1);
    assert.deepEqual(cachedTokens(texts), texts.map(tokenize));
  });
});
