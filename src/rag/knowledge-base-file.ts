import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { ModelError, StoreError } from "../util/errors.js";
import { KnowledgeBase, type KnowledgeBaseOptions } from "./knowledge-base.js";
import { lazySchema } from "../util/lazy-schema.js";

const formatName = "expbook-knowledge-base";

const fileSchema = lazySchema(({ z }) =>
  z.object({
    format: z.literal(formatName),
    version: z.literal(1),
    bm25: z.object({ k1: z.number(), b: z.number() }),
    embedder: z.string().nullable(),
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

/** The bytes `saveKnowledgeBase` writes (gzipped JSON when `gzip`), e.g. to store as a run artifact. */
export function encodeKnowledgeBase(kb: KnowledgeBase, options: { gzip: boolean }): Uint8Array {
  const body = JSON.stringify({
    format: formatName,
    version: 1,
    bm25: kb.bm25.params,
    embedder: kb.embedder?.name ?? null,
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
  let parsed: unknown;
  try {
    const bytes = readFileSync(path);
    const text = path.endsWith(".gz") ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StoreError(`cannot read knowledge base ${path} (${(error as Error).message}); check the path`);
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) throw new StoreError(`${path} is not an expbook knowledge base file; check the path`);
  const file = result.data;
  if (options.embedder && file.embedder !== null && options.embedder.name !== file.embedder) {
    throw new ModelError(
      `knowledge base ${path} was embedded with ${file.embedder}, not ${options.embedder.name}; load it with the same embedder`,
    );
  }
  const kb = new KnowledgeBase({ bm25: file.bm25, embedder: options.embedder });
  kb.add(file.documents.map((doc) => ({ ...doc, meta: doc.meta })));
  return kb;
}
