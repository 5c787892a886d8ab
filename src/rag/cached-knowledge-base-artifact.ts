import { cachedValue, type EntryCodec } from "../cache/derived-cache.js";
import { codeKey, textsKey } from "../cache/texts-key.js";
import { sha256 } from "../util/hash.js";
import type { KnowledgeBase } from "./knowledge-base.js";
import { encodeKnowledgeBase } from "./knowledge-base-file.js";

const bytesCodec: EntryCodec<Uint8Array> = {
  encode: (bytes) => ({ meta: null, arrays: { bytes } }),
  decode: (entry) => entry.arrays.bytes as Uint8Array,
};

/**
 * `encodeKnowledgeBase(kb, { gzip: true, embedder: false })`, the artifact a RAG run stores, read from
 * the derived cache when the same base was encoded before: the BM25, dense, hybrid and fine-tuned dense
 * runs of one split store the same base, and writing its 16 MB of JSON and compressing it cost most of
 * a second per run. The key never needs the JSON itself: it is the JSON with every text left empty (ids,
 * labels, meta, key order), the texts' content key, the BM25 parameters, the encoder's source and the
 * zlib and Node versions, which together fix every byte.
 */
export function cachedKnowledgeBaseArtifact(kb: KnowledgeBase): Uint8Array {
  const documents = kb.documents();
  // `{ ...document, text: "" }` keeps the document's key order, so the skeleton and the texts give the JSON.
  const skeleton = JSON.stringify(documents.map((document) => ({ ...document, text: "" })));
  return cachedValue(
    {
      kind: "knowledge-base-gzip",
      inputs: {
        documents: sha256(skeleton),
        texts: textsKey(documents.map((document) => document.text)),
        bm25: kb.bm25.params,
        // This function's source names the encoding options; zlib's version and Node's fix the compression.
        code: codeKey(encodeKnowledgeBase, cachedKnowledgeBaseArtifact),
        zlib: process.versions.zlib,
        node: process.version,
      },
    },
    bytesCodec,
    () => encodeKnowledgeBase(kb, { gzip: true, embedder: false }),
  );
}
