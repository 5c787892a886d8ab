import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, beforeEach, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { derivedCacheEnv, encodeEntry } from "../../src/cache/index.js";
import {
  cachedKnowledgeBaseArtifact,
  encodeKnowledgeBase,
  type KbDocument,
  KnowledgeBase,
} from "../../src/rag/index.js";
import { tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);
let folder = 0;
let cache = "";
let previous: string | undefined;
beforeEach(() => {
  previous = process.env[derivedCacheEnv];
  cache = join(work.path, `cache-${folder++}`);
  process.env[derivedCacheEnv] = cache;
});
afterEach(() => {
  if (previous === undefined) delete process.env[derivedCacheEnv];
  else process.env[derivedCacheEnv] = previous;
});

const texts = ["cheap pills online", "meeting notes at 10", "win money now!!", "naïve café €5", ""];

function documents(): KbDocument[] {
  return texts.map((text, i) => ({
    id: `d${i}`,
    text,
    meta: { collection: i % 2 ? "easy_ham" : "spam", group: i },
    ...(i % 2 ? { label: "ham" } : { label: "spam" }),
  }));
}

function base(docs: KbDocument[], bm25?: { k1: number; b: number }): KnowledgeBase {
  const kb = new KnowledgeBase(bm25 ? { bm25 } : {});
  kb.add(docs);
  return kb;
}

const fresh = (kb: KnowledgeBase): Buffer =>
  Buffer.from(encodeKnowledgeBase(kb, { gzip: true, embedder: false }));
const cached = (kb: KnowledgeBase): Buffer => Buffer.from(cachedKnowledgeBaseArtifact(kb));
const entries = (): string[] => readdirSync(join(cache, "knowledge-base-gzip"));

test("the artifact is encodeKnowledgeBase's bytes cold, warm and with the cache off", () => {
  const kb = base(documents());
  const want = fresh(kb);
  assert.deepEqual(cached(kb), want);
  assert.equal(entries().length, 1);
  assert.deepEqual(cached(base(documents())), want);
  assert.equal(entries().length, 1, "an equal base (built anew) reads the same entry");
  process.env[derivedCacheEnv] = "off";
  assert.deepEqual(cached(kb), want);
});

test("a warm call reads the entry instead of encoding again", () => {
  const kb = base(documents());
  cachedKnowledgeBaseArtifact(kb);
  const [name] = entries();
  // Plant other (valid) bytes under the same key: a call that reads the cache returns them.
  writeFileSync(
    join(cache, "knowledge-base-gzip", name as string),
    encodeEntry({ meta: null, arrays: { bytes: Uint8Array.of(1, 2, 3) } }),
  );
  assert.deepEqual([...cachedKnowledgeBaseArtifact(kb)], [1, 2, 3]);
});

test("any change to a document, their order or BM25's parameters gives a new entry, never a stale one", () => {
  const variants: Array<[string, KnowledgeBase]> = [];
  const edit = (name: string, change: (docs: KbDocument[]) => void, bm25?: { k1: number; b: number }) => {
    const docs = documents();
    change(docs);
    variants.push([name, base(docs, bm25)]);
  };
  edit("as is", () => {});
  edit("a text", (docs) => {
    (docs[2] as KbDocument).text = "win money later";
  });
  edit("two texts swapped", (docs) => {
    const [a, b] = [docs[0] as KbDocument, docs[1] as KbDocument];
    [a.text, b.text] = [b.text, a.text];
  });
  edit("a text moved to the next document", (docs) => {
    (docs[0] as KbDocument).text = "cheap pills";
    (docs[1] as KbDocument).text = `online ${(docs[1] as KbDocument).text}`;
  });
  edit("a label", (docs) => {
    (docs[1] as KbDocument).label = "spam";
  });
  edit("an id", (docs) => {
    (docs[3] as KbDocument).id = "d33";
  });
  edit("a meta value", (docs) => {
    (docs[4] as KbDocument).meta.group = "4";
  });
  edit("the meta's key order", (docs) => {
    const doc = docs[0] as KbDocument;
    doc.meta = { group: doc.meta.group ?? null, collection: doc.meta.collection ?? null };
  });
  edit("a target added", (docs) => {
    (docs[0] as KbDocument).target = 1;
  });
  edit("the order", (docs) => {
    docs.reverse();
  });
  edit("BM25's b", () => {}, { k1: 1.2, b: 0.5 });
  const seen = new Set<string>();
  for (const [name, kb] of variants) {
    const want = fresh(kb);
    assert.deepEqual(cached(kb), want, name);
    seen.add(Buffer.from(want).toString("base64"));
    assert.equal(entries().length, seen.size, `${name}: one entry per distinct encoding`);
    // Read back warm: still the variant's own bytes.
    assert.deepEqual(cached(kb), want, `${name}, warm`);
  }
  assert.equal(seen.size, variants.length);
  const last = JSON.parse(
    gunzipSync(cachedKnowledgeBaseArtifact(variants[1]?.[1] as KnowledgeBase)).toString(),
  );
  assert.equal(last.documents[2].text, "win money later");
});
