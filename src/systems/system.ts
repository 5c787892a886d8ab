import type { z } from "zod";
import type { Example, Task } from "../data/types.js";
import type { DisposableEmbedder } from "../embeddings/text-embedder.js";

/** A retrieved document that a RAG prediction rests on. */
export interface Citation {
  id: string;
  score: number;
  label?: string;
  target?: number;
  /**
   * The first ~200 characters of the document's text. A RAG run leaves it out of its saved predictions
   * (its knowledge-base artifact holds the text); readers resolve it by id.
   */
  snippet?: string;
}

/** One prediction for one example. */
export interface Prediction {
  id: string;
  /** Predicted class (classification). */
  label?: string;
  /** Class probabilities or scores (classification, optional). */
  scores?: Record<string, number>;
  /** Predicted value in the target's original units (regression). */
  value?: number;
  /** The neighbours a RAG prediction was made from. */
  citations?: Citation[];
}

/** Where a system reports per-epoch (or per-step) series; a subset of a tracker run. */
export interface MetricSink {
  log(name: string, value: number, step?: number): void;
  logMany(values: Record<string, number>, step?: number): void;
}

/** Progress of long work, for progress bars and plain log lines. */
export interface ProgressEvent {
  phase: string;
  /** 1-based current epoch and total, when training. */
  epoch?: number;
  epochs?: number;
  /** Current and total steps within the phase. */
  step?: number;
  steps?: number;
  loss?: number;
  message?: string;
}

/** Another run of the same store that a system builds on (e.g. a fine-tuned model a RAG run embeds with). */
export interface LinkedRun {
  id: string;
  /** The system kind that produced it (finetune, rag, ...). */
  kind: string;
  status: string;
  splitFingerprint: string | null;
  /** Folder of the run's artifacts. */
  artifactDir: string;
  /** Loads the run's model as a text embedder (finetune runs of text models). */
  loadEmbedder?: () => Promise<DisposableEmbedder>;
}

/**
 * A run's artifacts as a system writes and reads them: a thin wrapper over the run store, so the bytes
 * go wherever the store keeps them (content-addressed: identical bytes are kept once).
 */
export interface ArtifactAccess {
  /** Stores text, bytes or a local file (`{ fromPath }`) as the named artifact of this run. */
  put(name: string, data: string | Uint8Array | { fromPath: string }): Promise<void>;
  /** The bytes of an artifact of this run. */
  get(name: string): Promise<Uint8Array>;
  /** A local file holding an artifact of this run. */
  file(name: string): Promise<string>;
}

/** Everything a system needs to train on one split and predict the validation and test rows. */
export interface SystemContext<P> {
  task: Task;
  /** Sorted class names (classification). */
  labels: string[];
  positiveLabel?: string;
  featureNames?: string[];
  train: Example[];
  val: Example[];
  test: Example[];
  /** Newer documents a knowledge base may add without retraining (freshness studies). */
  update: Example[];
  params: P;
  seed: number;
  metrics: MetricSink;
  /**
   * A local folder the system may write artifact files to (the run's artifact folder, or a staging
   * folder a database store uploads when the run ends), e.g. for tfjs model files.
   */
  artifactDir: string;
  /** The run's artifacts through the store: put and get bytes or a file. */
  artifacts: ArtifactAccess;
  progress: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Fingerprint of the split being fitted, to check that a linked run was trained on the same one. */
  splitFingerprint?: string;
  /** Finds another run of the store by id or unique prefix (throws a user error when there is none). */
  findRun?: (idOrPrefix: string) => Promise<LinkedRun>;
}

/** What a system returns: predictions for every validation and test row, and facts to record. */
export interface SystemOutput {
  valPredictions: Prediction[];
  testPredictions: Prediction[];
  /** Summary values to record on the run besides the scored metrics (e.g. backend, epochs_run). */
  summary?: Record<string, number | string | boolean>;
  /** Tags to set on the run (e.g. { overfit: true }). */
  tags?: Record<string, string | boolean>;
}

/** A kind of system (finetune, rag, majority, fewshot, tfidf-logreg) the study runner can fit. */
export interface SystemDefinition<S extends z.ZodType = z.ZodType> {
  kind: string;
  /** One line for `expbook fit --help` and reports. */
  description: string;
  /** Validates and fills defaults for this system's params; unknown keys are rejected. */
  params: S;
  /**
   * True when the system trains with TensorFlow.js: `fitSystem` then starts expbook's backend before
   * the run (the fastest available, or a `backend` param) and records the backend and tfjs version on it.
   */
  tfjs?: boolean;
  run(context: SystemContext<z.output<S>>): Promise<SystemOutput>;
}
