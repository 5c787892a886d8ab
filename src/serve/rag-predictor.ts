import { join } from "node:path";
import type { Example } from "../data/types.js";
import { snippetOf } from "../rag/citations.js";
import type { KbDocument, KbHit, KnowledgeBase } from "../rag/knowledge-base.js";
import { loadKnowledgeBase } from "../rag/knowledge-base-file.js";
import { aggregateTarget, voteLabel } from "../rag/knn-predictor.js";
import { knowledgeBaseArtifact, type RagParams, ragParams } from "../rag/rag-system.js";
import { retrieveMany } from "../rag/retrieve.js";
import type { TextEmbedder } from "../embeddings/text-embedder.js";
import type { Citation, Prediction } from "../systems/system.js";
import type { Tracker } from "../tracker/tracker.js";
import type { RunWithSeries } from "../tracker/types.js";
import { ModelError } from "../util/errors.js";
import type { RunPredictor } from "./run-predictor.js";

const ragParamKeys = [
  "retriever",
  "k",
  "weighting",
  "aggregate",
  "k1",
  "b",
  "rrfK",
  "knowledge",
  "useUpdate",
  "embeddingRun",
] as const;

/** The RAG params a run recorded (its params also hold kind, dataset and split, which are dropped). */
function recordedRagParams(run: RunWithSeries): RagParams {
  const picked = Object.fromEntries(
    ragParamKeys.filter((key) => run.params[key] !== undefined).map((key) => [key, run.params[key]]),
  );
  const parsed = ragParams.safeParse(picked);
  if (!parsed.success) {
    throw new ModelError(`run ${run.id} recorded RAG params this version cannot read; rerun it`);
  }
  return parsed.data;
}

async function embedderFor(
  tracker: Tracker,
  params: RagParams,
): Promise<(TextEmbedder & { dispose?: () => void }) | undefined> {
  if (params.retriever === "bm25") return undefined;
  if (params.embeddingRun === undefined) {
    const [{ loadPretrainedVectors }, { meanVectorEmbedder }] = await Promise.all([
      import("../embeddings/pretrained-vectors.js"),
      import("../embeddings/text-embedder.js"),
    ]);
    return meanVectorEmbedder(await loadPretrainedVectors());
  }
  const linked = await tracker.run(params.embeddingRun);
  const { loadFinetunedEmbedder } = await import("../finetune/finetuned-embedder.js");
  return loadFinetunedEmbedder(await tracker.artifactFolder(linked.id), `finetuned:${linked.id}`);
}

/** The most frequent label among the base's documents (ties: first in sorted order). */
function majorityOf(kb: KnowledgeBase, labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const doc of kb.documents())
    if (doc.label !== undefined) counts.set(doc.label, (counts.get(doc.label) ?? 0) + 1);
  let best = labels[0] ?? "";
  for (const label of labels) if ((counts.get(label) ?? 0) > (counts.get(best) ?? 0)) best = label;
  return best;
}

function meanTargetOf(kb: KnowledgeBase): number {
  let sum = 0;
  let n = 0;
  for (const doc of kb.documents()) {
    if (doc.target === undefined) continue;
    sum += doc.target;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * `citationsOf` with each document's snippet computed once: a snippet collapses whitespace over the whole
 * document, which for e-mails costs more than the retrieval. Keyed on the document object, so a replaced
 * document gets a fresh snippet.
 */
function citationMaker(): (hits: readonly KbHit[]) => Citation[] {
  const snippets = new WeakMap<KbDocument, string>();
  return (hits) =>
    hits.map((hit) => {
      let snippet = snippets.get(hit.document);
      if (snippet === undefined) {
        snippet = snippetOf(hit.document.text);
        snippets.set(hit.document, snippet);
      }
      const citation: Citation = { id: hit.document.id, score: hit.score, snippet };
      if (hit.document.label !== undefined) citation.label = hit.document.label;
      if (hit.document.target !== undefined) citation.target = hit.document.target;
      return citation;
    });
}

/**
 * A RAG run's knowledge base, loaded with the run's retriever, k and weighting: predicts by a
 * weighted vote (or mean/median) of the k nearest documents and cites them. The base stays live:
 * documents added or removed change the next prediction, without retraining.
 */
export async function loadRagPredictor(
  tracker: Tracker,
  run: RunWithSeries,
  artifactDir: string,
): Promise<RunPredictor> {
  const params = recordedRagParams(run);
  const embedder = await embedderFor(tracker, params);
  let kb: KnowledgeBase;
  try {
    kb = loadKnowledgeBase(join(artifactDir, knowledgeBaseArtifact), embedder ? { embedder } : {});
  } catch (error) {
    embedder?.dispose?.();
    throw error;
  }
  const documents = kb.documents();
  const task = documents.some((doc) => doc.label !== undefined) ? "classification" : "regression";
  const labels = [
    ...new Set(documents.flatMap((doc) => (doc.label === undefined ? [] : [doc.label]))),
  ].sort();
  const citationsOf = citationMaker();
  // Fallbacks (used only when no document shares a term with the query) follow the base as it changes.
  const predict = (examples: readonly Example[]): Prediction[] => {
    const lists = retrieveMany(
      kb,
      examples.map((example) => example.text ?? ""),
      { retriever: params.retriever, k: params.k, rrfK: params.rrfK },
    );
    return examples.map((example, i) => {
      const hits = lists[i] ?? [];
      const prediction: Prediction = { id: example.id };
      if (task === "classification") {
        const unlabelled = hits.every((hit) => hit.document.label === undefined);
        const vote = voteLabel(hits, labels, params.weighting, unlabelled ? majorityOf(kb, labels) : "");
        prediction.label = vote.label;
        prediction.scores = vote.scores;
      } else {
        const untargeted = hits.every((hit) => hit.document.target === undefined);
        prediction.value = aggregateTarget(
          hits,
          params.weighting,
          params.aggregate,
          untargeted ? meanTargetOf(kb) : 0,
        );
      }
      prediction.citations = citationsOf(hits);
      return prediction;
    });
  };
  return {
    runId: run.id,
    kind: "rag",
    task,
    labels,
    input: "text",
    backend: "js",
    knowledgeBase: kb,
    predict: (examples) => {
      const missing = examples.find((example) => example.text === undefined);
      if (missing)
        throw new ModelError(`run ${run.id} retrieves by text; give input "${missing.id}" a "text" field`);
      return predict(examples);
    },
    dispose: () => embedder?.dispose?.(),
  };
}
