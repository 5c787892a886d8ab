import type { ProgressEvent } from "../systems/system.js";
import type { QueueClient } from "./open-queue.js";

/**
 * The table (in the queue's database, beside pg-boss's schema) where workers leave the latest progress
 * of the job they run: one row per job, overwritten, so readers pay one small query per look.
 */
export const PROGRESS_TABLE = "expbook_job_progress";

const CREATE = `CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (
  job_id uuid PRIMARY KEY,
  study text NOT NULL,
  progress jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

/** Creates the progress table unless it exists (another process may be creating it at the same time). */
export async function ensureProgressTable(boss: QueueClient): Promise<void> {
  const db = boss.getDb();
  try {
    await db.executeSql(CREATE);
  } catch (error) {
    // Two CREATE TABLE IF NOT EXISTS at once: the loser fails on the catalog's unique index.
    const exists = await db.executeSql("SELECT to_regclass($1) AS name", [PROGRESS_TABLE]);
    if (!exists.rows[0]?.name) throw error;
  }
}

/** Stores the latest progress of a running job (replacing the previous one). */
export async function saveJobProgress(
  boss: QueueClient,
  jobId: string,
  study: string,
  event: ProgressEvent,
): Promise<void> {
  await boss.getDb().executeSql(
    `INSERT INTO ${PROGRESS_TABLE} (job_id, study, progress, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (job_id) DO UPDATE SET progress = EXCLUDED.progress, updated_at = now()`,
    [jobId, study, JSON.stringify(event)],
  );
}

/** The latest progress of every job of a study that reported any, by queue job id. */
export async function readJobProgress(boss: QueueClient, study: string): Promise<Map<string, ProgressEvent>> {
  const { rows } = await boss
    .getDb()
    .executeSql(`SELECT job_id, progress FROM ${PROGRESS_TABLE} WHERE study = $1`, [study]);
  const progress = new Map<string, ProgressEvent>();
  for (const row of rows as Array<{ job_id: string; progress: ProgressEvent }>)
    if (typeof row.progress?.phase === "string") progress.set(row.job_id, row.progress);
  return progress;
}

/**
 * A progress sink for one job that writes at most once a second, and at once when an epoch or phase
 * changes, so a worker's per-step events cost the database little. Write errors are dropped (progress
 * is advisory; the job goes on).
 */
export function throttledProgress(
  boss: QueueClient,
  jobId: string,
  study: string,
): (event: ProgressEvent) => void {
  let lastAt = 0;
  let lastKey = "";
  let writing = false;
  return (event) => {
    const key = `${event.phase}:${event.epoch ?? ""}`;
    const now = Date.now();
    if (writing || (key === lastKey && now - lastAt < 1000)) return;
    lastAt = now;
    lastKey = key;
    writing = true;
    void saveJobProgress(boss, jobId, study, event)
      .catch(() => {})
      .finally(() => {
        writing = false;
      });
  };
}
