import { longestJobsFirst } from "../study/job-cost.js";
import type { CheckedStudy } from "../study/load-study.js";
import { checkSelection, type PlanOptions, planFirstPhase, planLinkedPhase } from "../study/plan.js";
import { studyJobContext } from "../study/run-job.js";
import { finishedRunIds } from "./finished-runs.js";
import type { QueueClient } from "./open-queue.js";
import { dependentsPlan, queuedStudyJob } from "./queue-job.js";
import { type SubmitOptions, type SubmitReport, submitStudyJobs } from "./submit-jobs.js";

/** What `submitStudy` enqueued, and what waits for results first. */
export interface DetachedSubmission extends SubmitReport {
  /** Units of work with a finished run already (not submitted). */
  done: number;
  /** Runs that build on other runs not finished yet (enqueued by the worker that finishes the last of those). */
  waitingLinked: number;
  /** Swept systems, whose selected configuration is submitted once their trials have finished. */
  sweptSystems: number;
}

/**
 * Submits what of a study can run now and returns (`expbook run --distributed --detach`): the first
 * phase's units of work without a finished run, and the runs that build on other runs whose referenced
 * runs have finished. Linked runs still waiting are enqueued by the workers as their referenced runs
 * finish; selected configurations of swept systems are submitted by a later `expbook run --distributed`
 * (which follows the study to its end).
 */
export async function submitStudy(
  loaded: CheckedStudy,
  options: PlanOptions & SubmitOptions & { store: string },
  boss: QueueClient,
): Promise<DetachedSubmission> {
  const { study } = loaded;
  checkSelection(study, options);
  const finished = await finishedRunIds(options.store, study.name);
  const first = planFirstPhase(study, options);
  const linked = planLinkedPhase(study, options, (job) => finished.get(job.key));
  const ready = [...first, ...linked.flatMap(({ job, missing }) => (missing === undefined ? [job] : []))];
  // Longest expected first, as the local runner orders them: workers take jobs in the order sent.
  const todo = longestJobsFirst(ready.filter((job) => !finished.has(job.key)));
  const context = studyJobContext(loaded, options.store);
  const dependents = dependentsPlan(study, options);
  const report = await submitStudyJobs(
    boss,
    todo.map((job) => queuedStudyJob(context, job, options.store, dependents)),
    options,
  );
  return {
    ...report,
    done: ready.length - todo.length,
    waitingLinked: linked.filter(({ missing }) => missing !== undefined).length,
    sweptSystems: study.systems.filter((system) => system.sweep !== undefined).length,
  };
}
