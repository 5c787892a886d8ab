import type { StudyJob } from "./plan.js";

// Relative run seconds of the built-in kinds on the default study (spam-assassin, 4,232 training
// e-mails): fine-tuning trains for tens of seconds; RAG indexes and searches (hybrid does both
// searches); TF-IDF fits L-BFGS; few-shot embeds the held-out rows; majority counts labels.
const kindCost: Record<string, number> = {
  finetune: 10,
  rag: 5,
  "tfidf-logreg": 4,
  fewshot: 1,
  majority: 0.1,
};

/** The epochs `kindCost.finetune` stands for: fine-tuning's default. */
const defaultEpochs = 6;

/**
 * How a fine-tuning run's cost scales with its epochs: a quarter is paid once (tokens, vocabulary,
 * scoring), the rest per epoch. So a one-epoch run (`--quick`) ranks below a TF-IDF fit, as measured.
 */
function epochFactor(job: StudyJob): number {
  const epochs = job.params.epochs;
  if (job.kind !== "finetune" || typeof epochs !== "number" || !(epochs > 0)) return 1;
  return 0.25 + (0.75 * epochs) / defaultEpochs;
}

/**
 * A job's expected cost, in relative units: by kind (a module system counts as a fine-tuning run,
 * since it may train), scaled by a fine-tuning run's epochs, more for hybrid retrieval, less for a
 * small labelled subset.
 */
export function expectedJobCost(job: StudyJob): number {
  const base = (kindCost[job.kind] ?? kindCost.finetune ?? 1) * epochFactor(job);
  const retrieval = job.kind === "rag" && job.params.retriever === "hybrid" ? 1.5 : 1;
  const size = job.labelled === undefined ? 1 : Math.min(1, 0.2 + job.labelled / 1000);
  return base * retrieval * size;
}

/**
 * The jobs ordered longest first (ties keep their order), so that workers pulling from one queue
 * finish together instead of one running a long job alone at the end. Order never changes results:
 * every job is seeded and independent of the others in its phase.
 */
export function longestJobsFirst(jobs: readonly StudyJob[]): StudyJob[] {
  return jobs
    .map((job, i) => ({ job, i, cost: expectedJobCost(job) }))
    .sort((a, b) => b.cost - a.cost || a.i - b.i)
    .map(({ job }) => job);
}
