import { runArtifacts } from "./run-artifacts.js";
import { isAbsolute, relative } from "node:path";
import type { LoadDatasetOptions } from "../data/load-dataset.js";
import type { SplitOptions } from "../data/split.js";
import { subsampleRows } from "../data/subsample.js";
import type { Dataset, Split } from "../data/types.js";
import type { LinkedRun, ProgressEvent, SystemDefinition } from "../systems/system.js";
import { validateSystemParams } from "../systems/validate-params.js";
import { isUserError } from "../util/errors.js";
import { findProjectRoot } from "../util/project-root.js";
import { loadSystem } from "./builtin-systems.js";
import type { Tracker } from "../tracker/tracker.js";
import type { GitState } from "../tracker/environment.js";
import type { JsonValue } from "../tracker/types.js";
import { writePredictionRows } from "../tracker/records/prediction-row.js";
import { predictionRows } from "./prediction-rows.js";
import type { SystemModule } from "./system-module.js";
import { scorePredictionRows } from "./score-predictions.js";

/** Everything one run of one system needs. */
export interface FitRequest {
  /** The git state to record with the run (a study's, found once); default: asked of git for this run. */
  git?: GitState;
  /**
   * A built-in kind's name, a definition from `defineSystem`, or a module `loadSystemModule` loaded.
   * A run of a definition passed inline (not from a module) records no way to load it again, so
   * `expbook rerun` refuses it; pass the module (`kind: await loadSystemModule("systems/my.js")`) instead.
   */
  kind: string | SystemDefinition | SystemModule;
  /**
   * The module a definition came from (a study's `"module"` system): recorded, with its source hash, so
   * `expbook rerun` loads it again and an edited module shows as a changed fact.
   */
  module?: { path: string; hash: string };
  /** The system's name in a study (defaults to the kind). */
  system?: string;
  /** Raw params; validated against the system's schema (defaults filled, unknown keys rejected). */
  params?: Record<string, unknown>;
  dataset: Dataset;
  /**
   * How the dataset was loaded, for datasets built by hand. A dataset from `loadDataset` carries its own
   * options (`dataset.options`), and those are recorded instead.
   */
  datasetOptions?: LoadDatasetOptions;
  split: Split;
  splitOptions: SplitOptions;
  /** Model seed (initialisation, shuffling, sampling). */
  seed: number;
  /** Learning curves: train on a seeded, stratified subsample of this many labelled rows. */
  labelled?: number;
  /** Score the test set (false for sweep trials, which are selected on validation only). */
  scoreTest?: boolean;
  tracker: Tracker;
  experiment: string;
  name?: string;
  tags?: Record<string, string | boolean>;
  note?: string;
  progress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** What one run produced. */
export interface FitResult {
  runId: string;
  status: "finished";
  backend?: string;
  summary: Record<string, number | string | boolean>;
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

/**
 * The dataset a run records: the built-in's name or the file's project-relative path, and every
 * loading option (defaulted features filled in), so `expbook rerun` loads the same rows from any folder.
 */
function recordedDataset(request: FitRequest): JsonValue {
  const { dataset } = request;
  const { onNotice: _onNotice, ...given } = request.datasetOptions ?? {};
  return toJson({ name: dataset.name, ...(dataset.options ?? given) });
}

/** The params a run records: enough to rerun it exactly (`expbook rerun`). */
export function recordedParams(
  request: FitRequest,
  systemParams: Record<string, unknown>,
): Record<string, JsonValue> {
  const kind = kindName(request.kind);
  return {
    ...(toJson(systemParams) as Record<string, JsonValue>),
    kind,
    system: request.system ?? kind,
    ...(request.module
      ? { module: recordedModulePath(request.module.path), module_hash: request.module.hash }
      : {}),
    dataset: recordedDataset(request),
    split: toJson(request.splitOptions),
    ...(request.labelled !== undefined ? { labelled: request.labelled } : {}),
    score_test: request.scoreTest ?? true,
  };
}

function isSystemModule(kind: FitRequest["kind"]): kind is SystemModule {
  return typeof kind === "object" && "definition" in kind && "path" in kind && "hash" in kind;
}

function kindName(kind: FitRequest["kind"]): string {
  return typeof kind === "string" ? kind : isSystemModule(kind) ? kind.definition.kind : kind.kind;
}

/** The request with a module given as `kind` split into its definition and its `module` record. */
function normalized(request: FitRequest): FitRequest & { kind: string | SystemDefinition } {
  const { kind } = request;
  if (!isSystemModule(kind)) return { ...request, kind };
  return { ...request, kind: kind.definition, module: { path: kind.path, hash: kind.hash } };
}

/** A module inside the project is recorded relative to its root, so a rerun works from any clone. */
function recordedModulePath(path: string): string {
  const root = findProjectRoot();
  const inside = relative(root, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

/**
 * Starts the TensorFlow.js backend of a system that trains with it (`tfjs: true`, built-in or a user's),
 * honouring a `backend` param, so the run records which backend and tfjs version it trained on.
 */
async function backendFacts(
  system: SystemDefinition,
  params: Record<string, unknown>,
): Promise<{ backend?: string; tfjsVersion?: string }> {
  if (system.tfjs !== true) return {};
  const { selectBackend } = await import("../finetune/backend.js");
  const info = await selectBackend(typeof params.backend === "string" ? params.backend : undefined);
  return { backend: info.backend, tfjsVersion: info.tfjsVersion };
}

/** The backend TensorFlow.js ended the run on: a system may switch (tf.setBackend) after the start. */
async function finalBackend(env: { backend?: string }): Promise<string | undefined> {
  if (env.backend === undefined) return undefined;
  const tf = await import("@tensorflow/tfjs");
  return tf.getBackend() ?? env.backend;
}

async function linkedRun(tracker: Tracker, idOrPrefix: string): Promise<LinkedRun> {
  const run = await tracker.run(idOrPrefix);
  const artifactDir = await tracker.artifactFolder(run.id);
  return {
    id: run.id,
    kind: typeof run.params.kind === "string" ? run.params.kind : "unknown",
    status: run.status,
    splitFingerprint: run.splitFingerprint,
    artifactDir,
    loadEmbedder: async () =>
      (await import("../finetune/finetuned-embedder.js")).loadFinetunedEmbedder(
        artifactDir,
        `finetuned:${run.id}`,
      ),
  };
}

/**
 * Trains (or indexes) one system on a split, predicts validation and test rows, scores them, and
 * records it all as one tracker run: params, seed, data and split fingerprints, series, summary
 * metrics (`val_*`, `test_*`) and per-example predictions with citations. A failure marks the run
 * failed (keeping the series logged so far) and is rethrown.
 */
export async function fitSystem(given: FitRequest): Promise<FitResult> {
  const request = normalized(given);
  const system = typeof request.kind === "string" ? await loadSystem(request.kind) : request.kind;
  const kind = system.kind;
  const params = validateSystemParams(system, request.params ?? {});
  const env = await backendFacts(system, params);
  const train =
    request.labelled === undefined
      ? request.split.train
      : subsampleRows(request.split.train, request.labelled, request.seed);
  const scoreTest = request.scoreTest ?? true;
  const run = await request.tracker.startRun({
    experiment: request.experiment,
    name: request.name ?? `${request.system ?? kind}/seed=${request.seed}`,
    params: recordedParams(request, params),
    tags: { system: request.system ?? kind, kind, ...(request.tags ?? {}) },
    ...(request.note ? { note: request.note } : {}),
    seed: request.seed,
    datasetFingerprint: request.dataset.fingerprint,
    splitFingerprint: request.split.info.fingerprints.split,
    env: { ...env, ...request.git },
  });
  try {
    const { dataset } = request;
    const output = await system.run({
      task: dataset.task,
      labels: dataset.labels,
      ...(dataset.positiveLabel ? { positiveLabel: dataset.positiveLabel } : {}),
      ...(dataset.featureNames ? { featureNames: dataset.featureNames } : {}),
      train,
      val: request.split.val,
      test: scoreTest ? request.split.test : [],
      update: request.split.update,
      params,
      seed: request.seed,
      metrics: run,
      artifactDir: run.artifactDir,
      artifacts: runArtifacts(request.tracker, run),
      progress: request.progress ?? (() => {}),
      ...(request.signal ? { signal: request.signal } : {}),
      splitFingerprint: request.split.info.fingerprints.split,
      findRun: (idOrPrefix) => linkedRun(request.tracker, idOrPrefix),
    });
    const backend = await finalBackend(env);
    const rows = [
      ...predictionRows("val", request.split.val, output.valPredictions, dataset.task),
      ...(scoreTest ? predictionRows("test", request.split.test, output.testPredictions, dataset.task) : []),
    ];
    // Every row has a prediction (predictionRows checks it); without test rows the test scores are empty.
    const scored = (prefix: "val" | "test") =>
      scorePredictionRows(
        prefix,
        rows.filter((row) => row.split === prefix),
        dataset.task,
        dataset.labels,
        dataset.positiveLabel,
      );
    const summary: Record<string, number | string | boolean> = {
      ...scored("val"),
      ...scored("test"),
      n_train: train.length,
      n_val: request.split.val.length,
      n_test: scoreTest ? request.split.test.length : 0,
      ...(request.labelled !== undefined ? { n_labelled: train.length } : {}),
      ...(backend ? { backend, tfjs_version: env.tfjsVersion ?? "unknown" } : {}),
      ...(dataset.positiveLabel && dataset.labels.length === 2
        ? { positive_label: dataset.positiveLabel }
        : {}),
      ...(output.summary ?? {}),
    };
    run.summary(summary);
    if (output.tags) run.tag(output.tags);
    await writePredictionRows(run, rows, { task: dataset.task });
    await run.finish();
    return { runId: run.id, status: "finished", ...(backend ? { backend } : {}), summary };
  } catch (error) {
    await run.fail(error);
    if (isUserError(error)) {
      error.message = `run ${run.id} (${request.system ?? kind}, seed ${request.seed}) failed: ${error.message}`;
    }
    throw error;
  }
}
