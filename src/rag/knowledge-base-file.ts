import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { ModelError, StoreError } from "../util/errors.js";
import { type KbDocument, KnowledgeBase, type KnowledgeBaseOptions } from "./knowledge-base.js";
import { lazySchema } from "../util/lazy-schema.js";

const formatName = "expbook-knowledge-base";

const fileSchema = lazySchema(({ z }) =>
  z.object({
    format: z.literal(formatName),
    version: z.literal(1),
    bm25: z.object({ k1: z.number(), b: z.number() }),
    /** Absent in a run's artifact, so the file depends only on its documents (see `encodeKnowledgeBase`). */
    embedder: z.string().nullable().optional(),
    documents: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        label: z.string().optional(),
        target: z.number().optional(),
        meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      }),
    ),
  }),
);

/**
 * Writes a knowledge base to a file (gzip-compressed JSON when the name ends in `.gz`): its documents,
 * BM25 parameters and the embedder's name. Indexes are rebuilt on load, so the file stays small and
 * independent of the index layout.
 */
export function saveKnowledgeBase(kb: KnowledgeBase, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, encodeKnowledgeBase(kb, { gzip: path.endsWith(".gz") }));
  renameSync(temp, path);
}

/**
 * The bytes `saveKnowledgeBase` writes (gzipped JSON when `gzip`), e.g. to store as a run artifact.
 * With `embedder: false` the embedder's name is left out, so the bytes depend only on the documents and
 * the BM25 parameters: the BM25, dense and hybrid runs of one split then store one blob (the run records
 * its embedder in its summary instead). The gzip header holds no name or time, so equal input gives equal
 * bytes.
 */
export function encodeKnowledgeBase(
  kb: KnowledgeBase,
  options: { gzip: boolean; embedder?: boolean },
): Uint8Array {
  const body = JSON.stringify({
    format: formatName,
    version: 1,
    bm25: kb.bm25.params,
    ...(options.embedder === false ? {} : { embedder: kb.embedder?.name ?? null }),
    documents: kb.documents(),
  });
  // Level 1: a RAG run writes its base every time, and level 6 took 2.3× as long for a file 11% smaller.
  return options.gzip ? gzipSync(body, { level: 1 }) : Buffer.from(body, "utf8");
}

/**
 * Reads a knowledge base written by `saveKnowledgeBase`. Pass the same embedder to search it densely;
 * a different one is a ModelError.
 */
export function loadKnowledgeBase(
  path: string,
  options: Pick<KnowledgeBaseOptions, "embedder"> = {},
): KnowledgeBase {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new StoreError(`cannot read knowledge base ${path} (${(error as Error).message}); check the path`);
  }
  const file = decodeKnowledgeBaseFile(bytes, path);
  if (options.embedder && file.embedder != null && options.embedder.name !== file.embedder) {
    throw new ModelError(
      `knowledge base ${path} was embedded with ${file.embedder}, not ${options.embedder.name}; load it with the same embedder`,
    );
  }
  const kb = new KnowledgeBase({ bm25: file.bm25, embedder: options.embedder });
  kb.add(file.documents.map((doc) => ({ ...doc, meta: doc.meta })));
  return kb;
}

/**
 * The documents of knowledge-base bytes (as `encodeKnowledgeBase` wrote them, gzipped or not) without
 * building an index, e.g. to show the text of cited documents. `source` names the bytes in errors.
 */
export function readKnowledgeBaseDocuments(bytes: Uint8Array, source: string): KbDocument[] {
  return decodeKnowledgeBaseFile(bytes, source).documents;
}

function decodeKnowledgeBaseFile(bytes: Uint8Array, source: string) {
  let parsed: unknown;
  try {
    // Sniff the gzip magic rather than trust the name: a store may hand the bytes over under any name.
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : Buffer.from(bytes);
    parsed = JSON.parse(text.toString("utf8"));
  } catch (error) {
    throw new StoreError(
      `cannot read knowledge base ${source} (${(error as Error).message}); check the path`,
    );
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success)
    throw new StoreError(`${source} is not an expbook knowledge base file; check the path`);
  return result.data;
}
