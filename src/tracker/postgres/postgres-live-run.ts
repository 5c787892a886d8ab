import type { Pool } from "pg";
import { StoreError } from "../../util/errors.js";
import { PointBatch } from "../point-batch.js";
import type { JsonValue, Run, RunRecord } from "../types.js";
import { putArtifactOn } from "./artifact-blobs.js";
import { inTransaction, isConnectionLoss, type PgTarget } from "./pg-connection.js";
import { copyPoints } from "./copy-points.js";
import {
  checkArtifactName,
  checkLoggedPoint,
  checkSummaryValues,
  checkTagValues,
  loggedStep,
} from "../run-input.js";
import { StagedArtifacts } from "./staged-artifacts.js";

// Points are buffered and written in one COPY per flush: on this many points, and every second.
const FLUSH_POINTS = 20_000;
const FLUSH_INTERVAL_MS = 1_000;
// While the server is away points wait in memory, up to this many (about 300 MB), then log throws.
const MAX_BUFFERED_POINTS = 10_000_000;

/** How a run ended. */
export type EndStatus = "finished" | "failed" | "killed";

/** What a live run needs from the store that opened it. */
export interface LiveRunContext {
  pool: Pool;
  target: PgTarget;
  /** How often the heartbeat is written (server time). */
  heartbeatMs: number;
  /** How long ending a run keeps retrying while the server is unreachable. */
  retryForMs: number;
  /** Prints a one-line notice (lost connection, back again). */
  warn(text: string): void;
  /** Called once the run has ended (its final state is written, or given up on). */
  released(run: PostgresLiveRun): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A run this process writes to a PostgreSQL store: buffers points and writes them in batches (one
 * transaction per batch: points, latest values, summary, tags, note, heartbeat), keeps a heartbeat in
 * server time, stages artifacts in a local folder and uploads them by content. While the server is
 * unreachable, points stay in memory and each flush retries; nothing flushed before is ever lost.
 */
export class PostgresLiveRun implements Run {
  readonly id: string;
  readonly artifactDir: string;
  private readonly artifacts: StagedArtifacts;
  private readonly context: LiveRunContext;
  private pending = new PointBatch();
  private readonly names: string[] = [];
  private readonly metricIndex = new Map<string, number>();
  private readonly nextStep: number[] = [];
  private readonly latest: Record<string, number>;
  private readonly summaryValues: Record<string, number | string | boolean>;
  private readonly tagValues: Record<string, string | boolean>;
  private noteText: string;
  private metadataDirty = false;
  // Writes (flushes, uploads, the final state) run one after another, in order.
  private queue: Promise<unknown> = Promise.resolve();
  private flushing = false;
  // A failure a background flush met (other than a lost connection), reported to the next caller.
  private failure: Error | null = null;
  private disconnected = false;
  private ended: EndStatus | null = null;
  private endedAt = "";
  private endError: string | null = null;
  private endWritten = false;
  // Points of this run known to be stored (the run row's points_written after our last commit).
  private written = 0;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly heartbeatTimer: NodeJS.Timeout;

  /** Opens the live handle of a run whose row was just inserted. */
  constructor(context: LiveRunContext, record: RunRecord) {
    this.context = context;
    this.id = record.id;
    this.latest = Object.create(null);
    this.summaryValues = Object.assign(Object.create(null), record.summary);
    this.tagValues = Object.assign(Object.create(null), record.tags);
    this.noteText = record.note;
    this.artifacts = new StagedArtifacts(record.id);
    this.artifactDir = this.artifacts.dir;
    this.flushTimer = setInterval(() => this.backgroundFlush(), FLUSH_INTERVAL_MS).unref();
    this.heartbeatTimer = setInterval(() => this.beat(), context.heartbeatMs).unref();
  }

  /** Logs one metric point; `step` defaults to one past this metric's previous step (starting at 0). */
  log(name: string, value: number, step?: number): void {
    this.assertOpen("log");
    this.reportFailure();
    checkLoggedPoint(name, value);
    let index = this.metricIndex.get(name);
    if (index === undefined) {
      index = this.names.length;
      this.metricIndex.set(name, index);
      this.names.push(name);
      this.nextStep.push(0);
    }
    const at = loggedStep(name, step, this.nextStep[index] as number);
    if (this.pending.length >= MAX_BUFFERED_POINTS) {
      throw new StoreError(
        `run ${this.id}: ${this.pending.length} metric points are waiting for PostgreSQL at ${this.context.target.address}; start the server (or fix EXPBOOK_STORE), then log again`,
      );
    }
    this.nextStep[index] = at + 1;
    this.pending.push(index, at, value, Date.now());
    this.latest[name] = value;
    if (this.pending.length % FLUSH_POINTS === 0) this.backgroundFlush();
  }

  /** Logs several metrics at the same step. */
  logMany(values: Record<string, number>, step?: number): void {
    for (const [name, value] of Object.entries(values)) this.log(name, value, step);
  }

  /** Merges values into the run's summary metrics. */
  summary(values: Record<string, number | string | boolean>): void {
    this.assertOpen("summary");
    checkSummaryValues(values);
    Object.assign(this.summaryValues, values);
    this.metadataDirty = true;
  }

  /** Merges tags. */
  tag(values: Record<string, string | boolean>): void {
    this.assertOpen("tag");
    checkTagValues(values);
    Object.assign(this.tagValues, values);
    this.metadataDirty = true;
  }

  /** Replaces the run's note. */
  note(text: string): void {
    this.assertOpen("note");
    this.noteText = String(text);
    this.metadataDirty = true;
  }

  /**
   * Stages an artifact in `artifactDir` and uploads it (stored by content); returns the staged path.
   * While the server is unreachable the file stays staged and is uploaded when the run ends.
   */
  async artifact(
    name: string,
    data: string | Uint8Array | JsonValue,
    options: { fromPath?: string } = {},
  ): Promise<string> {
    this.assertOpen("artifact");
    checkArtifactName(name);
    const path = this.artifacts.stage(name, data, options);
    try {
      await this.enqueue(() => this.uploadStaged());
    } catch (error) {
      if (!isConnectionLoss(error)) throw this.describe(error, `uploading artifact "${name}"`);
      this.noteLost(error);
    }
    return path;
  }

  /** Writes buffered points and changed metadata now; throws a one-line `StoreError` when it cannot. */
  async flush(): Promise<void> {
    if (this.ended !== null) {
      if (!this.endWritten) await this.end(this.ended, this.endError);
      return;
    }
    this.failure = null;
    try {
      await this.enqueue(() => this.writePending());
    } catch (error) {
      throw this.describe(error, "writing its metric points");
    }
  }

  /** Marks the run finished (after writing every buffered point and uploading staged artifacts). */
  async finish(): Promise<void> {
    this.reportFailure();
    await this.end("finished", null);
  }

  /** Marks the run failed, recording the error's message. */
  async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await this.end("failed", message);
  }

  /** True until the run's final state is written. */
  get open(): boolean {
    return !this.endWritten && this.failure === null;
  }

  /**
   * Records how the run ended: uploads staged artifacts, then writes the remaining points and the final
   * status in one transaction. While the server is unreachable it retries for `retryForMs` (default: the
   * store's), then throws a `StoreError`; calling `finish` or `flush` again retries.
   */
  async end(status: EndStatus, error: string | null, retryForMs = this.context.retryForMs): Promise<void> {
    if (this.endWritten) return;
    if (this.ended === null) {
      this.ended = status;
      this.endedAt = new Date().toISOString();
      this.endError = error;
      clearInterval(this.flushTimer);
      clearInterval(this.heartbeatTimer);
    }
    const deadline = Date.now() + retryForMs;
    for (;;) {
      try {
        await this.enqueue(() => this.writeEnd());
        break;
      } catch (caught) {
        if (isConnectionLoss(caught) && Date.now() < deadline) {
          this.noteLost(caught);
          await sleep(Math.min(1_000, Math.max(0, deadline - Date.now())));
          continue;
        }
        const described = this.describe(caught, `recording that it ${this.ended}`);
        if (isConnectionLoss(caught)) {
          throw new StoreError(
            `${described.message.replace(/; start the server.*$/, "")}; ${this.pending.length} metric point(s) kept in memory — start the server and call finish() again, or the run reads crashed`,
          );
        }
        throw described;
      }
    }
    this.endWritten = true;
    this.artifacts.remove();
    this.context.released(this);
  }

  private async writePending(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0 && !this.metadataDirty) return;
    this.pending = new PointBatch();
    this.metadataDirty = false;
    try {
      await this.writeBatch(batch, null);
    } catch (error) {
      this.pending.prepend(batch);
      this.metadataDirty = true;
      throw error;
    }
    if (this.disconnected) {
      this.disconnected = false;
      this.context.warn(
        `expbook: run ${this.id}: PostgreSQL at ${this.context.target.address} is back; buffered points written`,
      );
    }
  }

  private async writeEnd(): Promise<void> {
    await this.uploadStaged(true);
    const batch = this.pending;
    this.pending = new PointBatch();
    try {
      await this.writeBatch(batch, this.ended);
    } catch (error) {
      this.pending.prepend(batch);
      throw error;
    }
  }

  /**
   * One transaction: the points (minus any a previous attempt committed though its reply was lost, as
   * `points_written` shows), latest values, summary, tags, note, heartbeat and, when `status` is
   * given, the final state.
   */
  private async writeBatch(batch: PointBatch, status: EndStatus | null): Promise<void> {
    const names = this.names.slice();
    const latest = JSON.stringify(this.latest);
    const written = await inTransaction(this.context.pool, async (client) => {
      const state = await client.query<{ status: string; points_written: string }>(
        "SELECT status, points_written FROM expbook_runs WHERE id = $1 FOR UPDATE",
        [this.id],
      );
      const row = state.rows[0];
      if (row === undefined) throw this.removedError();
      // Our own final write, committed though its reply was lost.
      if (status !== null && row.status === status) return Number(row.points_written);
      if (row.status !== "running") {
        throw new StoreError(
          `run ${this.id} was marked ${row.status} by another process while this one was writing it; start a new run`,
        );
      }
      const stored = Number(row.points_written);
      const rest = batch.without(stored - this.written);
      await copyPoints(client, this.id, names, rest);
      const total = stored + rest.length;
      const end = status === null ? "" : ", status = $7, ended_at = $8, error = $9";
      await client.query(
        `UPDATE expbook_runs SET latest = $2::jsonb, summary = $3::jsonb, tags = $4::jsonb, note = $5,
           points_written = $6, heartbeat_at = now()${end} WHERE id = $1`,
        [
          this.id,
          latest,
          JSON.stringify(this.summaryValues),
          JSON.stringify(this.tagValues),
          this.noteText,
          total,
          ...(status === null ? [] : [status, this.endedAt, this.endError]),
        ],
      );
      return total;
    });
    this.written = written;
  }

  /** Uploads staged files whose content changed since their last upload (`all`: also files written directly). */
  private uploadStaged(all = false): Promise<void> {
    return this.artifacts.upload(all, async (name, bytes) => {
      await inTransaction(this.context.pool, async (client) => {
        const exists = await client.query("SELECT 1 FROM expbook_runs WHERE id = $1", [this.id]);
        if (exists.rowCount === 0) throw this.removedError();
        await putArtifactOn(client, this.id, name, bytes);
      });
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => {});
    return next;
  }

  private backgroundFlush(): void {
    if (this.flushing || this.ended !== null) return;
    this.flushing = true;
    this.enqueue(() => this.writePending())
      .catch((error: unknown) => {
        if (isConnectionLoss(error)) this.noteLost(error);
        else this.failure = this.describe(error, "writing its metric points");
      })
      .finally(() => {
        this.flushing = false;
      });
  }

  private beat(): void {
    this.context.pool
      .query("UPDATE expbook_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'", [this.id])
      .catch(() => {
        // A lost connection is reported by the flushes; the heartbeat just resumes.
      });
  }

  private noteLost(error: unknown): void {
    if (this.disconnected) return;
    this.disconnected = true;
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    this.context.warn(
      `expbook: run ${this.id}: lost PostgreSQL at ${this.context.target.address} (${reason}); keeping ${this.pending.length} point(s) in memory and retrying every second`,
    );
  }

  private describe(error: unknown, doing: string): Error {
    if (error instanceof StoreError) return error;
    if (isConnectionLoss(error)) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      return new StoreError(
        `run ${this.id}: cannot reach PostgreSQL at ${this.context.target.address} while ${doing} (${reason}); start the server, or fix EXPBOOK_STORE`,
      );
    }
    if ((error as { code?: string }).code === "23503") return this.removedError();
    return error instanceof Error ? error : new Error(String(error));
  }

  private removedError(): StoreError {
    return new StoreError(
      `run ${this.id} was removed from ${this.context.target.uri} while it was running (expbook rm?); its data is gone — start a new run`,
    );
  }

  private reportFailure(): void {
    const failure = this.failure;
    if (failure === null) return;
    this.failure = null;
    throw failure;
  }

  private assertOpen(what: string): void {
    if (this.ended !== null) {
      throw new StoreError(
        `run ${this.id} has already ${this.ended === "finished" ? "finished" : `ended (${this.ended})`}; cannot ${what} — start a new run`,
      );
    }
  }
}
