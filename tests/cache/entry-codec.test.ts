import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { type CacheEntry, decodeEntry, encodeEntry } from "../../src/cache/index.js";
import { createRng } from "../../src/util/random.js";
import { tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);

/** A seeded entry with arrays of every type and odd lengths (so the 8-byte alignment is exercised). */
function entry(seed: number, n: number): CacheEntry {
  const rng = createRng(seed);
  return {
    meta: { terms: ["spam", "ham", "naïve"], n },
    arrays: {
      floats: Float32Array.from({ length: n }, () => rng.next() - 0.5),
      doubles: Float64Array.from({ length: n + 1 }, () => rng.next() * 1e6),
      ids: Int32Array.from({ length: n + 3 }, () => Math.floor(rng.next() * 2 ** 31) - 2 ** 30),
      flags: Uint8Array.from({ length: n + 5 }, () => (rng.next() < 0.5 ? 1 : 0)),
    },
  };
}

const plain = (decoded: CacheEntry | undefined) => ({
  meta: decoded?.meta,
  arrays: Object.fromEntries(
    Object.entries(decoded?.arrays ?? {}).map(([name, array]) => [name, [...array]]),
  ),
});

test("an entry read from a file decodes to what was encoded, and two reads share no memory", () => {
  for (const [seed, n] of [
    [1, 0],
    [2, 1],
    [3, 7],
    [4, 100_003],
  ] as const) {
    const given = entry(seed, n);
    const path = join(work.path, `entry-${seed}.bin`);
    writeFileSync(path, encodeEntry(given));
    const first = decodeEntry(readFileSync(path));
    const second = decodeEntry(readFileSync(path));
    assert.deepEqual(plain(first), plain(given), `n = ${n}`);
    if (n > 0) {
      (first?.arrays.floats as Float32Array)[0] = 42;
      (first?.arrays.ids as Int32Array)[n] = 42;
      assert.deepEqual(
        plain(second),
        plain(given),
        `n = ${n}: a change to one read's arrays leaves the other's`,
      );
    }
  }
});

test("bytes that are a view into a larger buffer (pooled, or at any offset) decode to copies", () => {
  const given = entry(5, 1_001);
  const bytes = encodeEntry(given);
  for (const offset of [0, 1, 3, 8]) {
    const larger = Buffer.alloc(bytes.length + offset + 16);
    bytes.copy(larger, offset);
    const view = larger.subarray(offset, offset + bytes.length);
    const decoded = decodeEntry(view);
    assert.deepEqual(plain(decoded), plain(given), `offset ${offset}`);
    larger.fill(0);
    assert.deepEqual(plain(decoded), plain(given), `offset ${offset}: the arrays do not alias the buffer`);
  }
});

test("a Buffer is stored and read back as a Uint8Array", () => {
  const bytes = Buffer.from("gzip bytes, say");
  const decoded = decodeEntry(encodeEntry({ meta: null, arrays: { bytes } }));
  assert.ok(decoded?.arrays.bytes instanceof Uint8Array);
  assert.deepEqual(Buffer.from(decoded.arrays.bytes as Uint8Array), bytes);
});

test("a damaged or truncated entry decodes to undefined", () => {
  const bytes = encodeEntry(entry(6, 999));
  for (const at of [0, 9, 20, bytes.length - 40, bytes.length - 1]) {
    const damaged = Buffer.from(bytes);
    damaged[at] = (damaged[at] ?? 0) ^ 0x01;
    assert.equal(decodeEntry(damaged), undefined, `byte ${at} flipped`);
  }
  for (const length of [0, 11, 44, bytes.length - 1]) {
    assert.equal(decodeEntry(Buffer.from(bytes.subarray(0, length))), undefined, `cut to ${length}`);
  }
});
