import type { PgBoss } from "pg-boss";
import { ensureProgressTable } from "./job-progress.js";
import { loadPgBoss } from "./load-pg-boss.js";
import { QueueError } from "./queue-error.js";
import { STUDY_QUEUE } from "./queue-job.js";
import { redactUri } from "./queue-uri.js";

/** The queue engine's client (pg-boss), loaded only by distributed commands. */
export type QueueClient = PgBoss;

/** How to open the job queue. */
export interface OpenQueueOptions {
  /** The queue's PostgreSQL database. */
  uri: string;
  /**
   * A job whose worker sent no heartbeat for this long is presumed dead and retried elsewhere (seconds,
   * at least 10). It also sets how often this process looks for such jobs (a quarter of it, 1 s to 60 s).
   */
  heartbeatSeconds: number;
  /** Reports a background problem of the queue (a lost connection) as one line. */
  onProblem?: (line: string) => void;
}

/** The default heartbeat limit (seconds): a dead worker's job is retried about this long after it died. */
export const DEFAULT_HEARTBEAT_SECONDS = 60;

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
  return String(message ?? "unknown error").split("\n")[0] ?? "";
}

/**
 * Connects to the job queue's database (installing or migrating pg-boss's schema there on first use)
 * and makes sure the study queue exists. pg-boss is imported here, so local runs never load it.
 * Throws a `QueueError` with one line when the database cannot be reached, and a `DependencyError`
 * when pg-boss, an optional peer, is not installed.
 */
export async function openQueue(options: OpenQueueOptions): Promise<QueueClient> {
  if (!Number.isInteger(options.heartbeatSeconds) || options.heartbeatSeconds < 10) {
    throw new QueueError(
      `--heartbeat ${options.heartbeatSeconds}: give a whole number of seconds ≥ 10 (pg-boss's least)`,
    );
  }
  const { PgBoss } = await loadPgBoss();
  const watchEvery = Math.max(1, Math.min(60, Math.floor(options.heartbeatSeconds / 4)));
  const boss = new PgBoss({
    connectionString: options.uri,
    application_name: "expbook",
    max: 4,
    connectionTimeoutMillis: 10_000,
    useListenNotify: true,
    superviseIntervalSeconds: watchEvery,
    monitorIntervalSeconds: watchEvery,
    schedule: false,
  });
  let lastProblem = 0;
  boss.on("error", (error: unknown) => {
    // Background errors (a lost connection) repeat every poll; one line every 10 s is enough.
    if (Date.now() - lastProblem < 10_000) return;
    lastProblem = Date.now();
    options.onProblem?.(`job queue ${redactUri(options.uri)}: ${firstLine(error)}`);
  });
  try {
    await boss.start();
    if (!(await boss.getQueue(STUDY_QUEUE))) {
      await boss.createQueue(STUDY_QUEUE, { notify: true }).catch(async (error: unknown) => {
        if (!(await boss.getQueue(STUDY_QUEUE))) throw error; // else another process created it first
      });
    }
    await ensureProgressTable(boss);
  } catch (error) {
    await boss.stop({ graceful: false, timeout: 1000 }).catch(() => {});
    throw new QueueError(
      `job queue database ${redactUri(options.uri)} cannot be used: ${firstLine(error)}; start PostgreSQL there or fix --queue / EXPBOOK_QUEUE`,
    );
  }
  return boss;
}
