import type { CheckedStudy } from "../study/load-study.js";
import type { PlanOptions } from "../study/plan.js";
import type { JobExecutor } from "../study/run-study.js";
import { integerFlag } from "./dataset-flags.js";
import { printLine, printStatus } from "./output.js";

/** The flags of `expbook run` that distributed runs add. */
export interface DistributedFlags {
  store?: string;
  queue?: string;
  detach?: boolean;
  retries?: string;
  heartbeat?: string;
}

/** A distributed run opened: the executor runStudy sends its phases to, or a submission already made. */
export type DistributedRun =
  | { detached: true }
  | { detached: false; executor: JobExecutor; close: () => Promise<void> };

/**
 * Opens the job queue for `expbook run --distributed`. With `--detach`, submits what can run now,
 * prints what it did and closes; else returns the executor that enqueues each phase and follows it.
 */
export async function openDistributedRun(
  loaded: CheckedStudy,
  flags: DistributedFlags,
  plan: PlanOptions,
): Promise<DistributedRun> {
  const { distributedStoreUri } = await import("../distributed/store-uri.js");
  const { resolveQueueUri, redactUri } = await import("../distributed/queue-uri.js");
  const { openQueue } = await import("../distributed/open-queue.js");
  const store = distributedStoreUri(flags.store);
  const queueUri = resolveQueueUri(flags.queue, store);
  const heartbeatSeconds = integerFlag("heartbeat", flags.heartbeat ?? "60");
  const retryLimit = integerFlag("retries", flags.retries ?? "2");
  const boss = await openQueue({ uri: queueUri, heartbeatSeconds, onProblem: printStatus });
  const close = () => boss.stop({ graceful: false, timeout: 1000 }).catch(() => {});
  const name = loaded.study.name;
  if (flags.detach) {
    const { submitStudy } = await import("../distributed/submit-study.js");
    try {
      const report = await submitStudy(loaded, { ...plan, store, retryLimit, heartbeatSeconds }, boss);
      printLine(
        `study ${name}: ${report.added} job(s) submitted to ${redactUri(queueUri)}, ${report.present} already queued or running, ${report.resubmitted} failed before and submitted again, ${report.done} already done`,
      );
      if (report.waitingLinked > 0)
        printLine(
          `study ${name}: ${report.waitingLinked} run(s) that build on other runs wait; the worker that finishes the last run they need enqueues them`,
        );
      if (report.sweptSystems > 0)
        printLine(
          `study ${name}: the selected configurations of swept systems are submitted by \`expbook run ${loaded.path} --distributed\`, which follows the study to its end`,
        );
      printLine(`follow it with: expbook status ${loaded.path}`);
    } finally {
      await close();
    }
    return { detached: true };
  }
  const { queueExecutor } = await import("../distributed/follow-jobs.js");
  const { dependentsPlan } = await import("../distributed/queue-job.js");
  const { submitStudy } = await import("../distributed/submit-study.js");
  const dependents = dependentsPlan(loaded.study, { ...plan, retryLimit, heartbeatSeconds });
  // What can run now goes into the queue at once, before the study runner writes the study's record
  // and splits, so workers start meanwhile; its first phase then finds these jobs already queued.
  const early = await submitStudy(loaded, { ...plan, store, retryLimit, heartbeatSeconds }, boss).catch(
    async (error: unknown) => {
      await close();
      throw error;
    },
  );
  const executor = queueExecutor(boss, {
    store,
    retryLimit,
    heartbeatSeconds,
    ...(dependents ? { dependents } : {}),
    presubmitted: early.byId,
    onSubmitted: (report) =>
      printStatus(
        `${name}: ${report.added} job(s) submitted to the queue, ${report.present} already there${report.resubmitted ? `, ${report.resubmitted} failed before and submitted again` : ""}`,
      ),
    onIdle: () =>
      printStatus(
        `${name}: no job has started yet; start \`expbook worker --queue ${redactUri(queueUri)}\` on each machine`,
      ),
  });
  return { detached: false, executor, close };
}
