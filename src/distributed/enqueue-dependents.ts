import { planLinkedPhase, runReferences } from "../study/plan.js";
import { finishedRunIds } from "./finished-runs.js";
import type { QueueClient } from "./open-queue.js";
import { type QueuedStudyJob, queueJobId, STUDY_QUEUE } from "./queue-job.js";
import { jobSendOptions } from "./submit-jobs.js";

/** Jobs of a dependent system that a worker enqueued: their run names' parts, for its log. */
export interface EnqueuedDependent {
  system: string;
  seed: number;
}

/**
 * After a worker has finished a job (its run is recorded finished in the store), enqueues the jobs of
 * systems that build on that job's system (`"@name"` params) whose referenced runs have now all
 * finished. Each goes under the id its resume key gives, so when several workers (or a following
 * submitter) do this at once, the queue keeps one; a job already in the queue, in any state, is left as
 * it is. Because every worker records its run before it looks, the last of several referenced runs to
 * finish always sees the others.
 */
export async function enqueueDependents(
  boss: QueueClient,
  finished: QueuedStudyJob,
  store: string,
): Promise<EnqueuedDependent[]> {
  const plan = finished.dependents;
  if (!plan) return [];
  const referenced = new Set(
    plan.study.systems.flatMap((system) => runReferences(system).map((r) => r.system)),
  );
  if (!referenced.has(finished.job.system)) return [];
  const runs = await finishedRunIds(store, finished.context.experiment);
  const ready = planLinkedPhase(plan.study, plan.options, (job) => runs.get(job.key)).flatMap(
    ({ job, missing }) => (missing === undefined && !runs.has(job.key) ? [job] : []),
  );
  const enqueued: EnqueuedDependent[] = [];
  for (const job of ready) {
    const payload: QueuedStudyJob = { ...finished, job };
    const id = queueJobId(finished.study, job.key);
    const sent = await boss.send(STUDY_QUEUE, payload as unknown as object, { ...jobSendOptions(plan), id });
    if (sent !== null) enqueued.push({ system: job.system, seed: job.seed });
  }
  return enqueued;
}
