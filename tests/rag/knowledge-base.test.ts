import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tokenize } from "../../src/data/tokenize.js";
import {
  type KbDocument,
  type KbHit,
  KnowledgeBase,
  loadKnowledgeBase,
  retrieve,
  saveKnowledgeBase,
} from "../../src/rag/index.js";
import type { TextEmbedder } from "../../src/embeddings/index.js";
import { InputError, ModelError, StoreError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";

/** A tiny deterministic embedder (bag of hashed words) so these tests need no word vectors. */
function hashEmbedder(name = "hash-8"): TextEmbedder {
  return {
    name,
    dim: 8,
    embed: (tokens) => {
      const v = new Float32Array(8);
      for (const token of tokens) {
        let h = 0;
        for (let i = 0; i < token.length; i++) h = (h * 31 + token.charCodeAt(i)) >>> 0;
        v[h % 8] = (v[h % 8] as number) + 1;
      }
      return v;
    },
  };
}

const documents: KbDocument[] = [
  { id: "a", text: "cheap pills online, buy now", label: "spam", meta: { collection: 1 } },
  { id: "b", text: "meeting notes for the project review", label: "ham", meta: { collection: 1 } },
  { id: "c", text: "win money now! cheap cheap", label: "spam", meta: { collection: 2 } },
  {
    id: "d",
    text: "the project deadline moved to friday",
    label: "ham",
    meta: { collection: 2, year: 2002 },
  },
  { id: "e", text: "regression target doc", target: 3.5, meta: { note: null, ok: true } },
];

test("a knowledge base survives save and load (gzip and plain JSON) with identical documents and search results", () => {
  const dir = tempDir();
  try {
    const kb = new KnowledgeBase({ bm25: { k1: 0.9, b: 0.4 }, embedder: hashEmbedder() });
    kb.add(documents);
    kb.remove(["b"]);
    for (const file of ["kb.json.gz", "kb.json"]) {
      const path = join(dir.path, "nested", file);
      saveKnowledgeBase(kb, path);
      const loaded = loadKnowledgeBase(path, { embedder: hashEmbedder() });
      assert.deepEqual(loaded.documents(), kb.documents());
      assert.deepEqual(loaded.bm25.params, { k1: 0.9, b: 0.4 });
      for (const query of ["cheap project", "friday money", "nothing-matches"]) {
        for (const retriever of ["bm25", "dense", "hybrid"] as const) {
          const want = retrieve(kb, query, { retriever, k: 3 });
          const got = retrieve(loaded, query, { retriever, k: 3 });
          assert.deepEqual(
            got.map((h) => [h.document.id, h.score.toFixed(6)]),
            want.map((h) => [h.document.id, h.score.toFixed(6)]),
            `${file} ${retriever} "${query}"`,
          );
        }
      }
    }
  } finally {
    dir.cleanup();
  }
});

test("documents can be added, removed and re-added; removed ones are never retrieved", () => {
  const kb = new KnowledgeBase({ embedder: hashEmbedder() });
  kb.add(documents.slice(0, 3));
  assert.equal(kb.size, 3);
  assert.throws(() => kb.add([documents[0] as KbDocument]), InputError);
  assert.equal(kb.remove(["a", "missing"]), 1);
  assert.equal(kb.has("a"), false);
  assert.equal(kb.get("c")?.label, "spam");
  for (const retriever of ["bm25", "dense", "hybrid"] as const) {
    assert.ok(!retrieve(kb, "cheap pills online", { retriever, k: 5 }).some((h) => h.document.id === "a"));
  }
  kb.add([documents[0] as KbDocument, documents[3] as KbDocument]);
  assert.equal(kb.size, 4);
  assert.equal(kb.searchBm25("cheap pills online", 1)[0]?.document.id, "a");
  assert.deepEqual(
    kb.documents().map((d) => d.id),
    ["b", "c", "a", "d"],
  );
});

test("dense search without an embedder, a mismatched embedder and a non-knowledge-base file are user errors", () => {
  const dir = tempDir();
  try {
    const kb = new KnowledgeBase();
    kb.add(documents);
    assert.throws(() => kb.searchDense("cheap", 2), ModelError);
    const withVectors = new KnowledgeBase({ embedder: hashEmbedder("hash-a") });
    withVectors.add(documents);
    const path = join(dir.path, "kb.json.gz");
    saveKnowledgeBase(withVectors, path);
    assert.throws(() => loadKnowledgeBase(path, { embedder: hashEmbedder("hash-b") }), ModelError);
    assert.equal(loadKnowledgeBase(path).size, documents.length);
    const bogus = join(dir.path, "bogus.json");
    writeFileSync(bogus, JSON.stringify({ hello: 1 }));
    assert.throws(() => loadKnowledgeBase(bogus), StoreError);
    assert.throws(() => loadKnowledgeBase(join(dir.path, "absent.json")), StoreError);
  } finally {
    dir.cleanup();
  }
});

test("prepared tokens are read only when BM25 is first searched, and give the same hits as tokens read at once", () => {
  const embedder = hashEmbedder();
  const tokens = documents.map((document) => tokenize(document.text));
  const vectors = tokens.map((list) => embedder.embed(list));
  let reads = 0;
  const lazy = new KnowledgeBase({ embedder });
  lazy.add(documents, {
    get tokens() {
      reads++;
      return tokens;
    },
    vectors,
  });
  const eager = new KnowledgeBase({ embedder });
  eager.add(documents, { tokens, vectors });
  const plain = new KnowledgeBase({ embedder });
  plain.add(documents);
  const ids = (hits: KbHit[][]) => hits.map((list) => list.map((hit) => [hit.document.id, hit.score]));
  const queries = ["cheap pills", "meeting notes"];
  const queryVectors = queries.map((query) => embedder.embed(tokenize(query)));
  assert.deepEqual(
    ids(lazy.searchDenseVectors(queryVectors, 3)),
    ids(eager.searchDenseVectors(queryVectors, 3)),
  );
  assert.equal(reads, 0, "dense search with prepared vectors reads no tokens");
  for (const query of queries) {
    assert.deepEqual(ids([lazy.searchBm25(query, 3)]), ids([eager.searchBm25(query, 3)]));
    assert.deepEqual(ids([lazy.searchBm25(query, 3)]), ids([plain.searchBm25(query, 3)]));
  }
  assert.ok(reads > 0);
});
