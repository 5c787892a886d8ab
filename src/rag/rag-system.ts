import type { z } from "zod";
import type { Example } from "../data/types.js";
import { loadPretrainedVectors } from "../embeddings/pretrained-vectors.js";
import type { Prediction, SystemContext, SystemDefinition } from "../systems/system.js";
import { defineSystem } from "../systems/define-system.js";
import { cachedPreparedTexts } from "./cached-prepared-texts.js";
import { citationsOf } from "./citations.js";
import { exampleToDocument } from "./example-document.js";
import { type KbHit, KnowledgeBase } from "./knowledge-base.js";
import { cachedKnowledgeBaseArtifact } from "./cached-knowledge-base-artifact.js";
import { aggregateTarget, voteLabel } from "./knn-predictor.js";
import { retrieveMany } from "./retrieve.js";
import { majorityLabel, meanTarget } from "../priors/training-prior.js";
import { labelPrecisionAtK } from "./retrieval-quality.js";
import { meanVectorEmbedder, type TextEmbedder } from "../embeddings/text-embedder.js";
import { InputError } from "../util/errors.js";
import { lazySchema } from "../util/lazy-schema.js";

/** Params of the "rag" system; every field has a default and unknown keys are rejected. */
export const ragParams = lazySchema(({ z }) =>
  z
    .object({
      /** bm25 (lexical), dense (cosine of mean word vectors) or hybrid (reciprocal rank fusion of both). */
      retriever: z.enum(["bm25", "dense", "hybrid"]).default("bm25"),
      /** Neighbours per prediction. */
      k: z.number().int().min(1).default(10),
      /** How neighbours are weighted: retrieval score, equally, or 1 / rank. */
      weighting: z.enum(["similarity", "uniform", "rank"]).default("similarity"),
      /** Regression: weighted mean or weighted median of the neighbours' targets. */
      aggregate: z.enum(["mean", "median"]).default("mean"),
      /** BM25 term-frequency saturation (Lucene default 1.2). */
      k1: z.number().min(0).default(1.2),
      /** BM25 length normalisation (Lucene default 0.75). */
      b: z.number().min(0).max(1).default(0.75),
      /** Reciprocal rank fusion constant for hybrid retrieval. */
      rrfK: z.number().min(0).default(60),
      /** Which labelled rows form the knowledge base. */
      knowledge: z.enum(["train", "train+val"]).default("train"),
      /** Add the split's update rows to the knowledge base at query time, without retraining (freshness). */
      useUpdate: z.boolean().default(false),
      /**
       * Dense/hybrid: embed texts with the fine-tuned table of this finished finetune run (id or unique
       * prefix, trained on the same split) instead of mean GloVe vectors.
       */
      embeddingRun: z.string().min(1).optional(),
    })
    .strict()
    .refine((params) => params.embeddingRun === undefined || params.retriever !== "bm25", {
      message: "embeddingRun needs retriever dense or hybrid (BM25 uses no embedding)",
      path: ["embeddingRun"],
    }),
);

/** Validated params of the "rag" system. */
export type RagParams = z.output<typeof ragParams>;

/** File name of the knowledge base a RAG run saves in its artifact folder. */
export const knowledgeBaseArtifact = "knowledge-base.json.gz";

/** Retrieval-augmented kNN: retrieve the k nearest labelled documents and predict from them, citing them. */
export const ragSystem: SystemDefinition<typeof ragParams> = defineSystem({
  kind: "rag",
  description:
    "retrieval kNN over a knowledge base (BM25, dense or hybrid); every prediction cites its neighbours",
  params: ragParams,
  run: runRag,
});

/** The definition the study runner loads (built-ins take the same path as a user's module). */
export default ragSystem;

async function runRag(context: SystemContext<RagParams>) {
  const embedder = await chooseEmbedder(context);
  try {
    return await indexAndPredict(context, embedder);
  } finally {
    embedder?.dispose?.();
  }
}

/** No embedder for BM25; a fine-tuned run's pooled table when `embeddingRun` names one; else mean GloVe. */
async function chooseEmbedder(
  context: SystemContext<RagParams>,
): Promise<(TextEmbedder & { dispose?: () => void }) | undefined> {
  const { params } = context;
  if (params.retriever === "bm25") return undefined;
  if (params.embeddingRun === undefined) return meanVectorEmbedder(await loadPretrainedVectors());
  if (!context.findRun) throw new InputError("embeddingRun needs a tracker store to find the run in");
  const run = await context.findRun(params.embeddingRun);
  if (run.kind !== "finetune" || run.status !== "finished") {
    throw new InputError(
      `embeddingRun ${run.id} is a ${run.status} ${run.kind} run; give a finished finetune run (expbook ls --where 'kind = "finetune"')`,
    );
  }
  if (context.splitFingerprint !== undefined && run.splitFingerprint !== context.splitFingerprint) {
    throw new InputError(
      `embeddingRun ${run.id} was trained on another split (its test rows may be this run's knowledge base); fine-tune on the same --dataset, --split and --seed`,
    );
  }
  if (!run.loadEmbedder) throw new InputError(`embeddingRun ${run.id} has no text embedding to load`);
  return run.loadEmbedder();
}

async function indexAndPredict(context: SystemContext<RagParams>, embedder: TextEmbedder | undefined) {
  const { params } = context;
  context.progress({ phase: "index", message: "building the knowledge base" });
  const kb = new KnowledgeBase({ bm25: { k1: params.k1, b: params.b }, embedder });
  const rows = params.knowledge === "train+val" ? [...context.train, ...context.val] : context.train;
  const documents = rows.map(exampleToDocument);
  kb.add(
    documents,
    cachedPreparedTexts(
      documents.map((document) => document.text),
      embedder,
    ),
  );
  const updates = params.useUpdate ? context.update.filter((row) => !kb.has(row.id)) : [];
  kb.add(updates.map(exampleToDocument));
  // Through the store, without the embedder's name: the BM25, dense and hybrid runs of one split write the
  // same bytes, which the content-addressed store keeps once (the summary names the embedder).
  // The encoding comes from the derived cache after the first run of the split.
  await context.artifacts.put(knowledgeBaseArtifact, cachedKnowledgeBaseArtifact(kb));

  const fallbackLabel = majorityLabel(rows, context.labels);
  const fallbackTarget = meanTarget(rows);
  const predict = (examples: Example[], phase: string): { predictions: Prediction[]; precision: number } => {
    context.progress({ phase, message: `retrieving for ${examples.length} rows` });
    context.signal?.throwIfAborted();
    // One extra neighbour so a query that is itself in the base (train+val) can drop itself.
    const queries = examples.map((example) => example.text ?? "");
    const lists = retrieveMany(
      kb,
      queries,
      { retriever: params.retriever, k: params.k + 1, rrfK: params.rrfK },
      cachedPreparedTexts(queries, params.retriever === "bm25" ? undefined : embedder),
    );
    let precisionSum = 0;
    const predictions = examples.map((example, i) => {
      const hits = withoutSelf(lists[i] ?? [], example.id, params.k);
      // Cited by id: the saved knowledge base holds the text, so readers show the snippet from there
      // instead of every prediction file repeating it (readers: `citedSnippets`).
      const prediction: Prediction = { id: example.id, citations: citationsOf(hits, { snippets: false }) };
      if (context.task === "classification") {
        const vote = voteLabel(hits, context.labels, params.weighting, fallbackLabel);
        prediction.label = vote.label;
        prediction.scores = vote.scores;
        if (example.label !== undefined) {
          precisionSum += labelPrecisionAtK(
            hits.map((hit) => hit.document.label),
            example.label,
            params.k,
          );
        }
      } else {
        prediction.value = aggregateTarget(hits, params.weighting, params.aggregate, fallbackTarget);
      }
      return prediction;
    });
    return { predictions, precision: examples.length === 0 ? 0 : precisionSum / examples.length };
  };
  const val = predict(context.val, "predict-val");
  const test = predict(context.test, "predict-test");
  const summary: Record<string, number | string | boolean> = {
    kb_size: kb.size,
    kb_update_docs: updates.length,
    kb_artifact: knowledgeBaseArtifact,
    retriever: params.retriever,
    bm25_k1: params.k1,
    bm25_b: params.b,
  };
  if (embedder) summary.embedder = embedder.name;
  if (context.task === "classification") {
    summary.val_label_precision_at_k = val.precision;
    summary.test_label_precision_at_k = test.precision;
  }
  return { valPredictions: val.predictions, testPredictions: test.predictions, summary };
}

function withoutSelf(hits: KbHit[], id: string, k: number): KbHit[] {
  return hits
    .filter((hit) => hit.document.id !== id)
    .slice(0, k)
    .map((hit, i) => ({ ...hit, rank: i + 1 }));
}
