import type { LoadedStudy } from "../study/load-study.js";
import { checkSelection, type PlanOptions, planFirstPhase, planLinkedPhase } from "../study/plan.js";
import { studyJobContext } from "../study/run-job.js";
import { duplicateOf, jobOf } from "../tracker/records/run-tags.js";
import { openTracker } from "../tracker/tracker.js";
import type { QueueClient } from "./open-queue.js";
import { queuedStudyJob } from "./queue-job.js";
import { type SubmitOptions, type SubmitReport, submitStudyJobs } from "./submit-jobs.js";

/** What `submitStudy` enqueued, and what waits for results first. */
export interface DetachedSubmission extends SubmitReport {
  /** Units of work with a finished run already (not submitted). */
  done: number;
  /** Runs that build on other runs not finished yet (submitted once those have). */
  waitingLinked: number;
  /** Swept systems, whose selected configuration is submitted once their trials have finished. */
  sweptSystems: number;
}

/**
 * Submits what of a study can run now and returns (`expbook run --distributed --detach`): the first
 * phase's units of work without a finished run, and the runs that build on other runs whose referenced
 * runs have finished. Selected configurations of swept systems, and linked runs still waiting, are
 * submitted by a later `expbook run --distributed` (which follows the study to its end).
 */
export async function submitStudy(
  loaded: LoadedStudy,
  options: PlanOptions & SubmitOptions & { store: string },
  boss: QueueClient,
): Promise<DetachedSubmission> {
  const { study } = loaded;
  checkSelection(study, options);
  const tracker = await openTracker({ store: options.store });
  const finished = new Map<string, string>();
  try {
    for (const run of await tracker.runs({ experiment: study.name })) {
      const key = jobOf(run);
      if (
        run.status === "finished" &&
        key !== undefined &&
        duplicateOf(run) === undefined &&
        !finished.has(key)
      )
        finished.set(key, run.id);
    }
  } finally {
    await tracker.close();
  }
  const first = planFirstPhase(study, options);
  const linked = planLinkedPhase(study, options, (job) => finished.get(job.key));
  const ready = [...first, ...linked.flatMap(({ job, missing }) => (missing === undefined ? [job] : []))];
  const todo = ready.filter((job) => !finished.has(job.key));
  const context = studyJobContext(loaded, options.store);
  const report = await submitStudyJobs(
    boss,
    todo.map((job) => queuedStudyJob(context, job, options.store)),
    options,
  );
  return {
    ...report,
    done: ready.length - todo.length,
    waitingLinked: linked.filter(({ missing }) => missing !== undefined).length,
    sweptSystems: study.systems.filter((system) => system.sweep !== undefined).length,
  };
}
