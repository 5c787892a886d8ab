import type { Example, Task } from "../data/types.js";
import type { KnowledgeBase } from "../rag/knowledge-base.js";
import type { Prediction } from "../systems/system.js";
import type { Tracker } from "../tracker/tracker.js";
import type { RunWithSeries } from "../tracker/types.js";
import { ModelError } from "../util/errors.js";
import { loadRagPredictor } from "./rag-predictor.js";
import { loadTfidfLogregPredictor } from "./tfidf-logreg-predictor.js";

/** The model a finished run saved, loaded once and ready to predict many requests. */
export interface RunPredictor {
  /** Full id of the run the model came from. */
  readonly runId: string;
  /** System kind of the run (finetune, rag, tfidf-logreg). */
  readonly kind: string;
  readonly task: Task;
  /** Class names (classification), in the order of the model's scores. */
  readonly labels: readonly string[];
  /** What each input must carry: `text` (text models and RAG) or `features` (tabular models). */
  readonly input: "text" | "features";
  /** Compute backend (finetune: tensorflow, wasm or cpu; rag and tfidf-logreg: "js"). */
  readonly backend: string;
  /** The live knowledge base of a RAG run; absent for models that cannot be updated without retraining. */
  readonly knowledgeBase?: KnowledgeBase;
  /** Predicts every example, in order. */
  predict(examples: readonly Example[]): Prediction[];
  /** Frees tensors and other held resources. */
  dispose(): void;
}

/** The system kinds whose runs save a model that `loadRunPredictor` can serve. */
export const servableKinds = ["finetune", "rag", "tfidf-logreg"] as const;

/** The kind a run recorded (`params.kind`), or "unknown". */
export function runKind(run: Pick<RunWithSeries, "params">): string {
  return typeof run.params.kind === "string" ? run.params.kind : "unknown";
}

/**
 * A `feedback` run (a base system fitted with user feedback) saved its base system's model: it is served
 * as that system, with the base system's own params.
 */
function servedSystemOf(run: RunWithSeries): RunWithSeries {
  const { base, params } = run.params;
  if (run.params.kind !== "feedback" || typeof base !== "string") return run;
  const baseParams = params !== null && typeof params === "object" && !Array.isArray(params) ? params : {};
  return { ...run, params: { ...run.params, ...baseParams, kind: base } };
}

/**
 * Loads the model a finished finetune, rag or tfidf-logreg run saved, for `expbook predict` and `expbook serve`.
 * Other kinds, and runs that did not finish, are a ModelError naming what to pick instead.
 */
export async function loadRunPredictor(tracker: Tracker, runIdOrPrefix: string): Promise<RunPredictor> {
  const recorded = await tracker.run(runIdOrPrefix);
  const run = servedSystemOf(recorded);
  const kind = runKind(run);
  const artifactDir = await tracker.artifactFolder(run.id);
  if (!(servableKinds as readonly string[]).includes(kind)) {
    throw new ModelError(
      `run ${run.id} is a ${kind} run, which saves no servable model; pick a ${servableKinds.join(", ")} run (expbook ls --where 'kind = "finetune"')`,
    );
  }
  if (run.status !== "finished") {
    throw new ModelError(`run ${run.id} is ${run.status}; pick a finished ${kind} run`);
  }
  if (kind === "rag") return loadRagPredictor(tracker, run, artifactDir);
  if (kind === "tfidf-logreg") return loadTfidfLogregPredictor(run.id, artifactDir);
  return loadFinetunePredictor(run.id, artifactDir);
}

async function loadFinetunePredictor(runId: string, artifactDir: string): Promise<RunPredictor> {
  const [{ selectBackend }, { loadModel }] = await Promise.all([
    import("../finetune/backend.js"),
    import("../finetune/model-artifact.js"),
  ]);
  const { backend } = await selectBackend();
  const model = await loadModel(artifactDir);
  const input = model.meta.spec.model === "mlp" ? "features" : "text";
  return {
    runId,
    kind: "finetune",
    task: model.meta.task,
    labels: model.meta.labels,
    input,
    backend,
    predict: (examples) => {
      if (input === "text") {
        const missing = examples.find((example) => example.text === undefined);
        if (missing) {
          throw new ModelError(`run ${runId} is a text model; give input "${missing.id}" a "text" field`);
        }
      }
      return model.predict(examples);
    },
    dispose: () => model.dispose(),
  };
}
