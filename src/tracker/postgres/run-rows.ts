import type { JsonValue, RunEnvironment, RunRecord, RunStatus } from "../types.js";

/** A row of `RUNS_FROM` as the driver returns it. */
export interface RunRow {
  id: string;
  experiment: string;
  name: string;
  effective_status: string;
  created_at: string;
  started_at: string;
  ended_at: string | null;
  params: Record<string, JsonValue>;
  tags: Record<string, string | boolean>;
  summary: Record<string, number | string | boolean>;
  latest: Record<string, number>;
  env: RunEnvironment;
  note: string;
  seed: number | null;
  dataset_fingerprint: string | null;
  split_fingerprint: string | null;
  error: string | null;
  artifacts: string[];
}

/**
 * The runs as a derived table `r`, with `effective_status` (a running run whose heartbeat, in server
 * time, is older than `$1` milliseconds reads `crashed`) and the artifact names in upload order.
 */
export const RUNS_FROM = `(
  SELECT runs.id, runs.experiment, runs.name, runs.created_at, runs.started_at, runs.ended_at,
    runs.params, runs.tags, runs.summary, runs.latest, runs.env, runs.note, runs.seed,
    runs.dataset_fingerprint, runs.split_fingerprint, runs.error,
    CASE WHEN runs.status = 'running' AND runs.heartbeat_at < now() - $1::double precision * interval '1 millisecond'
      THEN 'crashed' ELSE runs.status END AS effective_status
  FROM expbook_runs runs
) r`;

/** The columns selected for a run record. */
export const RUN_COLUMNS = `r.*, (SELECT COALESCE(jsonb_agg(a.name ORDER BY a.position), '[]'::jsonb)
  FROM expbook_artifacts a WHERE a.run_id = r.id) AS artifacts`;

/** A run record from its row. */
export function recordFromRow(row: RunRow): RunRecord {
  return {
    id: row.id,
    experiment: row.experiment,
    name: row.name,
    status: row.effective_status as RunStatus,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    params: row.params,
    tags: row.tags,
    note: row.note,
    seed: row.seed,
    datasetFingerprint: row.dataset_fingerprint,
    splitFingerprint: row.split_fingerprint,
    summary: row.summary,
    env: row.env,
    error: row.error,
    artifacts: row.artifacts,
    latest: row.latest,
  };
}

/** The `INSERT` of a new run record ($1..$17); `ON CONFLICT DO NOTHING` so an import can tell it exists. */
export const INSERT_RUN = `INSERT INTO expbook_runs (id, experiment, name, status, created_at, started_at, ended_at,
  params, tags, summary, latest, env, note, seed, dataset_fingerprint, split_fingerprint, error)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb, $12::jsonb, $13, $14, $15, $16, $17)
  ON CONFLICT (id) DO NOTHING`;

/** Parameters of `INSERT_RUN` for a record. */
export function insertRunParams(record: RunRecord): unknown[] {
  return [
    record.id,
    record.experiment,
    record.name,
    record.status,
    record.createdAt,
    record.startedAt,
    record.endedAt,
    JSON.stringify(record.params),
    JSON.stringify(record.tags),
    JSON.stringify(record.summary),
    JSON.stringify(record.latest ?? {}),
    JSON.stringify(record.env),
    record.note,
    record.seed,
    record.datasetFingerprint,
    record.splitFingerprint,
    record.error,
  ];
}
