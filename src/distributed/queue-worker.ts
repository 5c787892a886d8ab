import { hostname } from "node:os";
import type { FitResult } from "../study/fit-system.js";
import { jobRunName } from "../study/run-job.js";
import { type FitProcess, startFitProcess } from "./fit-process.js";
import { enqueueDependents } from "./enqueue-dependents.js";
import { throttledProgress } from "./job-progress.js";
import { localStudyJob } from "./local-job.js";
import { openQueue } from "./open-queue.js";
import { projectStudyDatasets } from "./project-datasets.js";
import { QueueError } from "./queue-error.js";
import { readQueuedStudyJob, STUDY_QUEUE } from "./queue-job.js";

/** The system kinds a worker's fitting process loads before it takes jobs, unless told otherwise. */
export const DEFAULT_WARM_KINDS: readonly string[] = ["finetune"];

/** How a queue worker runs. */
export interface QueueWorkerOptions {
  /** The queue's database. */
  queueUri: string;
  /** A run store URI that overrides the one each job carries (this machine's path to the same store). */
  store?: string;
  /** See `OpenQueueOptions.heartbeatSeconds`. */
  heartbeatSeconds: number;
  /** How often an idle worker looks for jobs besides being notified (default 2 s). */
  pollSeconds?: number;
  /**
   * System kinds the fitting process loads before the worker takes jobs (default: `finetune`, whose
   * TensorFlow.js takes a second or more to load; `[]` for none). Other kinds load with their first job.
   */
  warm?: readonly string[];
  /**
   * Load the built-in datasets the project's study files name (`experiments/*.json`) before taking
   * jobs (default true), so the first job that uses one does not pay for loading it.
   */
  preloadDatasets?: boolean;
  /** Status lines (a job started, finished, failed; the worker stops). */
  log: (line: string) => void;
}

/** A started queue worker. */
export interface QueueWorker {
  /** Resolves when the worker has stopped. */
  stopped: Promise<void>;
  /**
   * Stops taking jobs. With `release`, a job in progress is failed back to the queue at once (retried by
   * another worker; its run was marked killed by the signal handlers); without, it is awaited.
   */
  stop(options: { release: boolean }): Promise<void>;
}

/**
 * Serves the study queue: takes one job at a time, fits it in a fitting process of its own, the local
 * study runner's worker (`runStudyJob`, the same code path as `expbook run`), records the run in the store, and completes the job with the
 * run's id and summary, after enqueueing the jobs that were waiting for that run (see `enqueueDependents`).
 * A failing fit fails the job (retried up to its limit, each attempt a failed run).
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  // The fitting process starts beside the queue connection, not on the first job: a worker is a
  // long-lived service, and its first job should not wait for Node, tfjs and the study code to load.
  // A process that fails to start is started again (and its failure reported) by the first job.
  // It also loads the built-in datasets the project's study files name, which a first job would load.
  const warm = options.warm ?? DEFAULT_WARM_KINDS;
  const datasets = options.preloadDatasets === false ? [] : projectStudyDatasets();
  const starting = startFitProcess(warm, datasets).catch(() => undefined);
  const boss = await openQueue({
    uri: options.queueUri,
    heartbeatSeconds: options.heartbeatSeconds,
    onProblem: options.log,
  }).catch(async (error: unknown) => {
    await (await starting)?.kill("SIGTERM");
    throw error;
  });
  const me = `${hostname()}:${process.pid}`;
  let fitter: FitProcess | undefined = await starting;
  if (fitter && fitter.preloaded.length > 0)
    options.log(`${me}: loaded ${fitter.preloaded.join(", ")} (named by the project's study files)`);
  let stopping = false;
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  const pollSeconds = options.pollSeconds ?? 2;
  // pg-boss waits out the rest of its poll interval after a job shorter than it, even with jobs ready:
  // a worker that finished a 1.3-second fit sat idle for 0.7 s. A worker that has just finished a job
  // asks for the next one at once (as graphile-worker's do); an empty queue sends it back to polling.
  let workerId: string | undefined;
  const fetchNextAtOnce = () => {
    if (workerId !== undefined && !stopping) boss.notifyWorker(workerId);
  };
  workerId = await boss.work(
    STUDY_QUEUE,
    {
      batchSize: 1,
      localConcurrency: 1,
      pollingIntervalSeconds: pollSeconds,
      // With LISTEN/NOTIFY on, pg-boss waits this long (default 30 s) before its next fetch after a
      // job shorter than that, since only new jobs notify: a worker that finished a 5-second fit sat
      // idle for 25 s while the queue held ready jobs. Equal to the base poll, a worker fetches again
      // at once after any job longer than it, and an idle one still wakes at once on a new job.
      notifyPollingIntervalSeconds: pollSeconds,
    },
    async ([job]): Promise<FitResult> => {
      if (!job) throw new QueueError("pg-boss handed the worker an empty batch");
      const payload = readQueuedStudyJob(job.data);
      if (!payload) {
        throw new QueueError(
          `job ${job.id} is not a study job this expbook understands; update expbook on ${me}`,
        );
      }
      const label = `${payload.study} ${jobRunName(payload.job)} (job ${payload.job.key.slice(0, 6)}, attempt ${job.retryCount + 1})`;
      options.log(`${me}: fitting ${label}`);
      try {
        const local = await localStudyJob(payload.job);
        const context = { ...payload.context, store: options.store ?? payload.store };
        fitter ??= await startFitProcess(warm, datasets);
        const result = await fitter.fit(context, local, throttledProgress(boss, job.id, payload.study));
        options.log(`${me}: done ${label}: run ${result.runId}`);
        // The run is recorded: a problem enqueueing what waits for it must not fail (and redo) the job.
        const next = await enqueueDependents(boss, payload, context.store).catch((error: unknown) => {
          options.log(
            `${me}: could not enqueue the runs that build on ${label}: ${String(error instanceof Error ? error.message : error).split("\n")[0]}; \`expbook run --distributed\` submits them`,
          );
          return [];
        });
        for (const dependent of next)
          options.log(
            `${me}: enqueued ${payload.study} ${dependent.system} seed ${dependent.seed}, whose referenced runs have all finished`,
          );
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // When stopping, the signal's own line says what became of the job.
        if (!stopping) options.log(`${me}: failed ${label}: ${message.split("\n")[0]}`);
        if (fitter && !(await fitter.alive())) fitter = undefined;
        throw error instanceof Error ? error : new Error(message);
      } finally {
        fetchNextAtOnce();
      }
    },
  );
  return {
    stopped,
    async stop({ release }) {
      if (stopping) return stopped;
      stopping = true;
      // The fitting process marks its live run killed as it stops; then the job goes back to the queue.
      if (release) await fitter?.kill("SIGTERM");
      else fitter?.close();
      await boss.stop({ graceful: !release, timeout: release ? 3_000 : 24 * 60 * 60 * 1000 }).catch(() => {});
      resolveStopped();
      return stopped;
    },
  };
}
