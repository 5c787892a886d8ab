import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenize } from "../../src/data/tokenize.js";
import { meanVectorEmbedder, type PretrainedVectors } from "../../src/embeddings/index.js";
import { createRng } from "../../src/util/random.js";

/** Seeded random vectors for a few words, one of them upper-case (looked up lower-cased by embed). */
function randomVectors(seed: number): PretrainedVectors {
  const rng = createRng(seed);
  const words = ["money", "free", "won't", "42", "ham", "Prize", "e"];
  const dim = 5;
  const matrix = Float32Array.from(
    { length: words.length * dim },
    () => (rng.next() - 0.5) * 10 ** rng.int(6),
  );
  const index = new Map(words.map((word, row) => [word, row]));
  return {
    words,
    index,
    dim,
    matrix,
    source: "random",
    vector: (word) => {
      const row = index.get(word) ?? index.get(word.toLowerCase());
      return row === undefined ? undefined : matrix.subarray(row * dim, (row + 1) * dim);
    },
  };
}

test("meanVectorEmbedder: embedMany equals embed of each text bit for bit on seeded random texts", () => {
  const pieces = [
    "Money",
    "money",
    "FREE",
    "won't",
    "42",
    "prize",
    "PRIZE",
    "e",
    "unknown",
    "",
    "ham",
    "naïve",
  ];
  for (const seed of [1, 2, 3, 4]) {
    const rng = createRng(seed);
    const texts = Array.from({ length: 40 }, () =>
      Array.from({ length: rng.int(30) }, () => pieces[rng.int(pieces.length)]).join(" "),
    );
    const lists = texts.map(tokenize);
    const termIds = new Map<string, number>();
    const ids = lists.flat().map((term) => {
      if (!termIds.has(term)) termIds.set(term, termIds.size);
      return termIds.get(term) as number;
    });
    const offsets = [0];
    for (const list of lists) offsets.push((offsets.at(-1) as number) + list.length);
    const embedder = meanVectorEmbedder(randomVectors(seed));
    const many = embedder.embedMany?.([...termIds.keys()], Int32Array.from(ids), Int32Array.from(offsets));
    assert.ok(many, "meanVectorEmbedder has embedMany");
    assert.deepEqual(
      many.map((vector) => [...vector]),
      lists.map((tokens) => [...embedder.embed(tokens)]),
      `seed ${seed}`,
    );
    assert.ok(
      many.some((vector) => vector.every((value) => value === 0)),
      "a text without a known word is zeros",
    );
  }
});
