import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Pool, PoolClient } from "pg";
import { cacheDirectory, writeFileAtomically } from "../../util/cache-dir.js";
import { StoreError } from "../../util/errors.js";
import type { GcReport } from "../collect-garbage.js";
import { HEARTBEAT_INTERVAL_MS } from "../liveness.js";
import { newRunId } from "../run-id.js";
import { initialRecord } from "../start-run.js";
import { artifactFileName } from "../store-layout.js";
import type {
  ArtifactInfo,
  ArtifactSource,
  ImportOutcome,
  LockResult,
  NamedMetricPoint,
  RunExport,
  RunStore,
  RunStoreOptions,
  SeriesRead,
} from "../store/run-store.js";
import type {
  DamagedRun,
  MetricPoint,
  Run,
  RunListing,
  RunQuery,
  RunRecord,
  StartRunOptions,
} from "../types.js";
import {
  listArtifactRows,
  putArtifactBlob,
  putArtifactOn,
  readArtifactBlob,
  sha256Hex,
} from "./artifact-blobs.js";
import { compileRunQuery } from "./compile-query.js";
import { createPool, describePgError, inTransaction, type PgTarget, parsePgUri } from "./pg-connection.js";
import { batchFromPoints, copyPoints } from "./copy-points.js";
import { readSeriesChunks } from "./read-series.js";
import { PostgresLiveRun } from "./postgres-live-run.js";
import {
  INSERT_RUN,
  insertRunParams,
  RUN_COLUMNS,
  RUNS_FROM,
  recordFromRow,
  type RunRow,
} from "./run-rows.js";
import { RunExitHooks } from "./run-exit-hooks.js";
import { GC_LOCK, LOCK_CLASS, migrate } from "./schema-migrations.js";

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions extends RunStoreOptions {
  /** How long ending a run keeps retrying while the server is unreachable (default 30 s). */
  retryForMs?: number;
  /** Folder where `artifactFile` keeps downloaded artifacts (default `postgres-artifacts` in the expbook cache). */
  cacheDir?: string;
  /** Where one-line notices go (lost connection, back again); default standard error. */
  warn?: (line: string) => void;
}

const DEFAULT_STALE_AFTER_MS = 120_000;

class PostgresRunStore implements RunStore {
  readonly kind = "postgres" as const;
  readonly localDir = undefined;
  readonly uri: string;
  private readonly hooks = new RunExitHooks();
  private readonly open = new Set<PostgresLiveRun>();
  // Releases of the locks this store holds (close releases them: their sessions end with the pool).
  private readonly locks = new Set<() => Promise<void>>();
  private readonly staleAfterMs: number;
  private readonly cacheDir: string;
  private readonly retryForMs: number;
  private readonly warn: (line: string) => void;

  constructor(
    private readonly target: PgTarget,
    private readonly pool: Pool,
    options: PostgresStoreOptions,
  ) {
    this.uri = target.uri;
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.cacheDir = options.cacheDir ?? join(cacheDirectory(), "postgres-artifacts");
    this.retryForMs = options.retryForMs ?? 30_000;
    this.warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  }

  private async query<R extends object>(sql: string, params: unknown[], doing: string): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw describePgError(this.target, error, doing);
    }
  }

  private async transaction<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.pool, work);
    } catch (error) {
      throw describePgError(this.target, error, doing);
    }
  }

  private noRun(id: string): StoreError {
    return new StoreError(`no run "${id}" in ${this.uri}; list runs with \`expbook ls\``);
  }

  private async assertRun(id: string): Promise<void> {
    const rows = await this.query("SELECT 1 FROM expbook_runs WHERE id = $1", [id], `reading run ${id}`);
    if (rows.length === 0) throw this.noRun(id);
  }

  async startRun(options: StartRunOptions): Promise<Run> {
    const record = initialRecord(newRunId(), options);
    await this.query(INSERT_RUN, insertRunParams(record), "starting a run");
    const run = new PostgresLiveRun(
      {
        pool: this.pool,
        target: this.target,
        heartbeatMs: Math.min(HEARTBEAT_INTERVAL_MS, Math.max(100, Math.floor(this.staleAfterMs / 4))),
        retryForMs: this.retryForMs,
        warn: this.warn,
        released: (ended) => {
          this.open.delete(ended);
          this.hooks.delete(ended);
        },
      },
      record,
    );
    this.open.add(run);
    this.hooks.add(run);
    return run;
  }

  async list(query: RunQuery = {}): Promise<RunListing> {
    const compiled = compileRunQuery(query, [this.staleAfterMs]);
    const rows = await this.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${RUNS_FROM} WHERE ${compiled.where} ORDER BY ${compiled.orderBy} ${compiled.limit}`,
      compiled.params,
      "listing runs",
    );
    return { runs: rows.map(recordFromRow), damaged: [] };
  }

  async read(id: string): Promise<RunRecord | DamagedRun | undefined> {
    const rows = await this.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${RUNS_FROM} WHERE r.id = $2`,
      [this.staleAfterMs, id],
      `reading run ${id}`,
    );
    return rows[0] === undefined ? undefined : recordFromRow(rows[0]);
  }

  async matchIds(prefix: string, limit?: number): Promise<string[]> {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.query<{ id: string }>(
      `SELECT id FROM expbook_runs WHERE id LIKE $1 ESCAPE '\\' ORDER BY id COLLATE "C" ${limit === undefined ? "" : "LIMIT $2"}`,
      limit === undefined ? [pattern] : [pattern, limit],
      "matching run ids",
    );
    return rows.map((row) => row.id);
  }

  async readSeries(id: string, metrics?: string[]): Promise<SeriesRead> {
    let series: Record<string, MetricPoint[]>;
    try {
      series = await readSeriesChunks(this.pool, id, metrics);
    } catch (error) {
      throw describePgError(this.target, error, `reading the series of run ${id}`);
    }
    return { series, skippedLines: 0 };
  }

  async appendPoints(id: string, points: NamedMetricPoint[]): Promise<void> {
    const { names, batch } = batchFromPoints(points);
    const latest: Record<string, number> = {};
    for (const point of points) latest[point.metric] = point.value;
    await this.transaction(`appending points to run ${id}`, async (client) => {
      const updated = await client.query(
        "UPDATE expbook_runs SET latest = latest || $2::jsonb WHERE id = $1",
        [id, JSON.stringify(latest)],
      );
      if (updated.rowCount === 0) throw this.noRun(id);
      await copyPoints(client, id, names, batch);
    });
  }

  async listArtifacts(id: string): Promise<ArtifactInfo[]> {
    try {
      return await listArtifactRows(this.pool, id);
    } catch (error) {
      throw describePgError(this.target, error, `listing the artifacts of run ${id}`);
    }
  }

  private async artifactBlob(id: string, name: string): Promise<{ sha256: string; data: Buffer }> {
    let found: { sha256: string; data: Buffer } | undefined;
    try {
      found = await readArtifactBlob(this.pool, id, name);
    } catch (error) {
      throw describePgError(this.target, error, `reading artifact "${name}" of run ${id}`);
    }
    if (found === undefined) {
      throw new StoreError(`run ${id} has no artifact "${name}"; see \`expbook show ${id}\``);
    }
    return found;
  }

  async getArtifact(id: string, name: string): Promise<Uint8Array> {
    return (await this.artifactBlob(id, name)).data;
  }

  async artifactFile(id: string, name: string): Promise<string> {
    const { sha256, data } = await this.artifactBlob(id, name);
    const dir = join(this.cacheDir, id);
    const path = join(dir, artifactFileName(name));
    if (existsSync(path) && sha256Hex(readFileSync(path)) === sha256) return path;
    try {
      writeFileAtomically(path, data);
    } catch (error) {
      throw new StoreError(
        `cannot write artifact "${name}" of run ${id} to the cache ${dir} (${(error as Error).message}); free space or set another cache folder`,
      );
    }
    return path;
  }

  async putArtifact(id: string, name: string, source: ArtifactSource): Promise<ArtifactInfo> {
    let bytes: Uint8Array;
    try {
      bytes = "bytes" in source ? source.bytes : readFileSync(source.fromPath);
    } catch (error) {
      throw new StoreError(
        `cannot read ${"fromPath" in source ? source.fromPath : "the artifact"} (${(error as Error).message})`,
      );
    }
    await this.assertRun(id);
    try {
      return await putArtifactBlob(this.pool, id, name, bytes);
    } catch (error) {
      if ((error as { code?: string }).code === "23503") throw this.noRun(id);
      throw describePgError(this.target, error, `storing artifact "${name}" of run ${id}`);
    }
  }

  async importRun(
    run: RunExport,
    readArtifact: (info: ArtifactInfo) => Promise<Uint8Array>,
  ): Promise<ImportOutcome> {
    const { record } = run;
    const present = await this.query(
      "SELECT 1 FROM expbook_runs WHERE id = $1",
      [record.id],
      "importing a run",
    );
    if (present.length > 0) return "present";
    const artifacts: [ArtifactInfo, Uint8Array][] = [];
    for (const info of run.artifacts) artifacts.push([info, await readArtifact(info)]);
    const points: NamedMetricPoint[] = [];
    for (const [metric, list] of Object.entries(run.series)) {
      for (const point of list)
        points.push({ metric, step: point.step, value: point.value, time: point.time });
    }
    return this.transaction(`importing run ${record.id}`, async (client) => {
      const inserted = await client.query(INSERT_RUN, insertRunParams(record));
      if (inserted.rowCount === 0) return "present";
      const { names, batch } = batchFromPoints(points);
      await copyPoints(client, record.id, names, batch);
      for (const [info, bytes] of artifacts) await putArtifactOn(client, record.id, info.name, bytes);
      return "copied";
    });
  }

  async tagEnded(id: string, tags: Record<string, string | boolean>): Promise<void> {
    const rows = await this.query(
      "UPDATE expbook_runs SET tags = tags || $2::jsonb WHERE id = $1 RETURNING id",
      [id, JSON.stringify(tags)],
      `tagging run ${id}`,
    );
    if (rows.length === 0) throw this.noRun(id);
  }

  async remove(id: string): Promise<void> {
    await this.transaction(`removing run ${id}`, async (client) => {
      await client.query(
        "DELETE FROM expbook_points WHERE series_id IN (SELECT id FROM expbook_series WHERE run_id = $1)",
        [id],
      );
      await client.query("DELETE FROM expbook_runs WHERE id = $1", [id]);
    });
  }

  async gc(options: { dryRun: boolean }): Promise<GcReport> {
    return this.transaction("collecting garbage", async (client) => {
      // Exclusive against every artifact upload (which holds it shared until its reference is in).
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, GC_LOCK]);
      const unreferenced = await client.query<{ sha256: string }>(
        `SELECT b.sha256 FROM expbook_blobs b
         WHERE NOT EXISTS (SELECT 1 FROM expbook_artifacts a WHERE a.sha256 = b.sha256) ORDER BY b.sha256`,
      );
      const orphans = unreferenced.rows.map((row) => row.sha256);
      if (!options.dryRun && orphans.length > 0) {
        await client.query("DELETE FROM expbook_blobs WHERE sha256 = ANY($1::text[])", [orphans]);
      }
      const counted = await client.query<{ runs: number }>("SELECT count(*)::int AS runs FROM expbook_runs");
      const runs = counted.rows[0]?.runs ?? 0;
      return {
        orphans: orphans.map((sha256) => `blob sha256:${sha256}`),
        unknown: [],
        damaged: [],
        indexedRuns: runs,
        indexLinesBefore: runs,
        indexRebuilt: false,
        dryRun: options.dryRun,
      };
    });
  }

  async lock(name: string): Promise<LockResult> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw describePgError(this.target, error, `taking the lock "${name}"`);
    }
    try {
      const taken = await client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok",
        [`expbook:${name}`],
      );
      if (taken.rows[0]?.ok === true) {
        let released = false;
        const release = async (): Promise<void> => {
          if (released) return;
          released = true;
          this.locks.delete(release);
          try {
            await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [`expbook:${name}`]);
            client.release();
          } catch {
            // The session is gone, and the lock with it.
            client.release(true);
          }
        };
        this.locks.add(release);
        return { release };
      }
      const holder = await client.query<{ pid: number; application_name: string; addr: string | null }>(
        `SELECT a.pid, a.application_name, a.client_addr::text AS addr FROM pg_locks l
         JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
           AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`,
        [`expbook:${name}`],
      );
      client.release();
      const row = holder.rows[0];
      return {
        heldBy:
          row === undefined
            ? "another PostgreSQL session"
            : `PostgreSQL session ${row.pid} (${row.application_name || "unnamed"}${row.addr ? ` from ${row.addr}` : ""})`,
      };
    } catch (error) {
      client.release(true);
      throw describePgError(this.target, error, `taking the lock "${name}"`);
    }
  }

  async close(): Promise<void> {
    let failure: unknown = null;
    for (const run of [...this.open]) {
      try {
        await run.flush();
      } catch (error) {
        failure ??= error;
      }
    }
    for (const release of [...this.locks]) await release();
    this.hooks.uninstall();
    if (this.open.size === 0) await this.pool.end().catch(() => {});
    if (failure !== null) throw failure;
  }
}

/**
 * Opens the PostgreSQL run store at `uri` (`postgres://user:pass@host:port/db`), applying schema
 * migrations on open. Throws a one-line `StoreError` (never showing the password) when the server is
 * unreachable, the login or database is wrong, or the schema is newer than this expbook.
 *
 * @example
 * const store = await openPostgresStore("postgres://me@db.lab:5432/expbook");
 * const { runs } = await store.list({ where: "summary.test_f1 > 0.9" });
 */
export async function openPostgresStore(uri: string, options: PostgresStoreOptions = {}): Promise<RunStore> {
  const target = parsePgUri(uri);
  const pool = await createPool(target);
  try {
    await migrate(pool, target.uri);
  } catch (error) {
    await pool.end().catch(() => {});
    throw describePgError(target, error, "opening the store");
  }
  return new PostgresRunStore(target, pool, options);
}
