// Public API of src/rag (re-exported by src/index.ts).
export { Bm25Index, type Bm25Params, luceneBm25Params, termCounts } from "./bm25-index.js";
export { citationsOf, snippetLength, snippetOf } from "./citations.js";
export { DenseIndex } from "./dense-index.js";
export { exampleToDocument } from "./example-document.js";
export { type KbDocument, type KbHit, KnowledgeBase, type KnowledgeBaseOptions } from "./knowledge-base.js";
export { loadKnowledgeBase, saveKnowledgeBase } from "./knowledge-base-file.js";
export { encodeKnowledgeBase } from "./knowledge-base-file.js";
export { cachedKnowledgeBaseArtifact } from "./cached-knowledge-base-artifact.js";
export {
  aggregateTarget,
  type NeighbourAggregate,
  type NeighbourWeighting,
  neighbourWeights,
  voteLabel,
  weightedMedian,
} from "./knn-predictor.js";
export { knowledgeBaseArtifact, type RagParams, ragParams, ragSystem } from "./rag-system.js";
export { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";
export { type RetrieveOptions, type RetrieverKind, retrieve, retrieveMany } from "./retrieve.js";
export {
  evaluateRetrieval,
  labelPrecisionAtK,
  ndcgAtK,
  parseQrels,
  type Qrels,
  type RetrievalQuality,
  recallAtK,
  reciprocalRank,
} from "./retrieval-quality.js";
export { type ScoredSlot, TopK } from "./top-k.js";
