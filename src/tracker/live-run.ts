import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { InputError, StoreError } from "../util/errors.js";
import { internFile } from "./file-store/blob-store.js";
import { internArtifactDir } from "./file-store/intern-artifacts.js";
import { HEARTBEAT_INTERVAL_MS } from "./liveness.js";
import { PointBatch } from "./point-batch.js";
import { type OpenRun, trackOpenRun, untrackOpenRun } from "./process-hooks.js";
import { fileKey, RunDocument } from "./run-document.js";
import { appendIndex } from "./run-index.js";
import { encodePoint } from "./series-file.js";
import { storeWriteError } from "./store-io-error.js";
import { artifactFileName, type StoreLayout, storeTempPath } from "./store-layout.js";
import type { JsonValue, Run, RunRecord } from "./types.js";
import {
  checkArtifactName,
  checkLoggedPoint,
  checkSummaryValues,
  checkTagValues,
  loggedStep,
} from "./run-input.js";

// Points are buffered and appended in one write per flush: on this many points, and every second.
const FLUSH_POINTS = 20_000;
const FLUSH_INTERVAL_MS = 1_000;

type EndStatus = "finished" | "failed" | "killed";

/** A run this process writes to: buffers metric points, keeps a heartbeat, records how it ended. */
export class LiveRun implements Run, OpenRun {
  readonly id: string;
  readonly artifactDir: string;
  private readonly layout: StoreLayout;
  private readonly doc: RunDocument;
  private seriesFd: number | null;
  // Buffered points, turned into JSONL text only when flushed. They grow up to FLUSH_POINTS, past it
  // only while writes fail (the points wait in memory for the disk to come back).
  private readonly pending = new PointBatch();
  private readonly metricIndex = new Map<string, number>();
  private readonly quotedNames: string[] = [];
  private readonly nextStep: number[] = [];
  private readonly latest: Record<string, number>;
  // Bytes of the metrics file known to hold whole lines; a failed write is cut back to this.
  private seriesBytes: number;
  // Flush when this many points are buffered (raised after a failed write, so a full disk is not
  // retried on every log call).
  private flushAt = FLUSH_POINTS;
  // A failure a timer flush met, reported to the next caller of log, flush or finish.
  private failure: StoreError | null = null;
  // The run folder was removed under this live run (`expbook rm --force`): nothing more is written.
  private gone = false;
  private metadataDirty = false;
  private ended: EndStatus | null = null;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly heartbeatTimer: NodeJS.Timeout;

  /** Opens a run whose folder `layout.runDir(record.id)` was just created. */
  constructor(layout: StoreLayout, record: RunRecord) {
    this.id = record.id;
    this.layout = layout;
    this.artifactDir = layout.artifactDir(record.id);
    this.doc = new RunDocument(layout.runFile(record.id), record);
    this.latest = record.latest ?? Object.create(null);
    this.doc.data.latest = this.latest;
    this.seriesFd = openSync(layout.seriesFile(record.id), "a");
    this.seriesBytes = fstatSync(this.seriesFd).size;
    this.flushTimer = setInterval(() => this.timerFlush(), FLUSH_INTERVAL_MS).unref();
    this.heartbeatTimer = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS).unref();
    // No index line yet: a running run changes constantly, so listings read its run file directly;
    // the index gets the run's final state in endSync.
    trackOpenRun(this);
  }

  /** Logs one metric point; `step` defaults to one past this metric's previous step (starting at 0). */
  log(name: string, value: number, step?: number): void {
    this.assertOpen("log");
    this.reportFailure();
    checkLoggedPoint(name, value);
    let index = this.metricIndex.get(name);
    if (index === undefined) {
      index = this.quotedNames.length;
      this.metricIndex.set(name, index);
      this.quotedNames.push(JSON.stringify(name));
      this.nextStep.push(0);
    }
    const at = loggedStep(name, step, this.nextStep[index] as number);
    this.nextStep[index] = at + 1;
    this.pending.push(index, at, value, Date.now());
    this.latest[name] = value;
    if (this.pending.length >= this.flushAt) this.writePoints();
  }

  /** Logs several metrics at the same step. */
  logMany(values: Record<string, number>, step?: number): void {
    for (const [name, value] of Object.entries(values)) this.log(name, value, step);
  }

  /** Merges values into the run's summary metrics. */
  summary(values: Record<string, number | string | boolean>): void {
    this.assertOpen("summary");
    checkSummaryValues(values);
    Object.assign(this.doc.data.summary, values);
    this.metadataDirty = true;
  }

  /** Merges tags. */
  tag(values: Record<string, string | boolean>): void {
    this.assertOpen("tag");
    checkTagValues(values);
    Object.assign(this.doc.data.tags, values);
    this.metadataDirty = true;
  }

  /** Replaces the run's note. */
  note(text: string): void {
    this.assertOpen("note");
    this.doc.data.note = String(text);
    this.metadataDirty = true;
  }

  /** Stores an artifact under a file name derived from (never equal to an unsafe) `name`; returns its path. */
  async artifact(
    name: string,
    data: string | Uint8Array | JsonValue,
    options: { fromPath?: string } = {},
  ): Promise<string> {
    this.assertOpen("artifact");
    checkArtifactName(name);
    this.assertFolder();
    // Not recursive: a run folder removed under a live run must not come back.
    if (!existsSync(this.artifactDir)) mkdirSync(this.artifactDir);
    const path = join(this.artifactDir, artifactFileName(name));
    const temp = storeTempPath(path);
    try {
      if (options.fromPath !== undefined) {
        try {
          copyFileSync(options.fromPath, temp);
        } catch (error) {
          if (existsSync(options.fromPath)) throw error;
          throw new InputError(
            `run.artifact("${name}"): cannot copy ${options.fromPath} (${(error as Error).message})`,
          );
        }
      } else if (typeof data === "string" || data instanceof Uint8Array) {
        writeFileSync(temp, data);
      } else {
        writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`);
      }
      // Identical bytes are kept once in the store (the artifact file is a hard link to its blob).
      try {
        internFile(this.layout.root, temp);
      } catch {
        // kept as a plain file
      }
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      if (error instanceof InputError) throw error;
      throw storeWriteError(`artifact "${name}" of run ${this.id} to`, path, error);
    }
    if (!this.doc.data.artifacts.includes(name)) this.doc.data.artifacts.push(name);
    this.metadataDirty = true;
    this.flushSync();
    return path;
  }

  /** Writes buffered points and changed metadata to disk. */
  async flush(): Promise<void> {
    this.failure = null; // retried right here
    this.flushSync();
  }

  /**
   * Marks the run finished. When its points cannot be written (a full disk), the run is recorded as
   * failed instead (or, if even that cannot be written, reads as crashed) and a `StoreError` is thrown.
   */
  async finish(): Promise<void> {
    if (this.gone) this.assertFolder();
    this.failure = null;
    this.endSync("finished", null);
  }

  /** Marks the run failed, recording the error's message. */
  async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.endSync("failed", message);
  }

  /** Synchronous flush (used by timers, signal and exit handlers); throws a one-line `StoreError`. */
  flushSync(): void {
    if (this.ended !== null) {
      // The final state could not be written (a full disk): try again.
      if (this.metadataDirty && !this.gone) {
        this.writeDocument();
        this.indexSnapshot();
      }
      return;
    }
    this.assertFolder();
    this.writePoints();
    if (this.metadataDirty) this.writeDocument();
  }

  /**
   * Records the final status synchronously; a second call is ignored. Buffered points are written
   * first; if they cannot be, the run ends `failed` (never `finished` with points missing) and the
   * write error is thrown.
   */
  endSync(status: EndStatus, error: string | null): void {
    if (this.ended !== null) return;
    let writeError: StoreError | null = null;
    try {
      this.assertFolder();
      this.writePoints();
    } catch (caught) {
      writeError = caught as StoreError;
    }
    this.ended = writeError !== null && status === "finished" ? "failed" : status;
    this.release();
    if (this.gone) throw writeError as StoreError;
    this.doc.data.status = this.ended;
    this.doc.data.endedAt = new Date().toISOString();
    this.doc.data.error =
      writeError !== null
        ? `${this.pending.length} metric point(s) not written: ${writeError.message}`
        : error;
    // Files the system wrote straight into the artifact folder join the content-addressed blobs.
    internArtifactDir(this.layout.root, this.artifactDir);
    try {
      this.writeDocument();
    } catch (caught) {
      // The run file keeps `running`; with this process gone it reads as crashed.
      writeError ??= caught as StoreError;
    }
    if (writeError === null) this.indexSnapshot();
    if (writeError !== null) throw writeError;
  }

  /** Stops the run's timers, forgets it in the process hooks and closes its metrics file. */
  private release(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.heartbeatTimer);
    untrackOpenRun(this);
    if (this.seriesFd !== null) {
      closeSync(this.seriesFd);
      this.seriesFd = null;
    }
  }

  /** Stops the run (without recreating anything) when its folder was removed under it. */
  private assertFolder(): void {
    if (!this.gone && existsSync(this.layout.runFile(this.id))) return;
    if (!this.gone) {
      this.gone = true;
      this.ended = "failed";
      this.release();
    }
    throw new StoreError(
      `run ${this.id} was removed from ${this.layout.root} while it was running (expbook rm?); its data is gone — start a new run`,
    );
  }

  private writeDocument(): void {
    this.metadataDirty = false;
    try {
      this.doc.write();
    } catch (error) {
      this.metadataDirty = true;
      // lowdb writes a temp file and renames it into place; do not leave a partial one behind.
      rmSync(join(this.layout.runDir(this.id), ".run.json.tmp"), { force: true });
      throw storeWriteError(`run ${this.id}:`, this.layout.runFile(this.id), error);
    }
  }

  /** Throws (once) a failure a timer flush met. */
  private reportFailure(): void {
    const failure = this.failure;
    if (failure === null) return;
    this.failure = null;
    throw failure;
  }

  private assertOpen(what: string): void {
    if (this.gone) this.assertFolder();
    if (this.ended !== null) {
      throw new StoreError(
        `run ${this.id} has already ${this.ended === "finished" ? "finished" : `ended (${this.ended})`}; cannot ${what} — start a new run`,
      );
    }
  }

  /**
   * Appends the buffered points in one write. On failure the points stay buffered for the next try,
   * the file is cut back to its last whole line (so nothing can be joined to a torn one), and a
   * `StoreError` is thrown.
   */
  private writePoints(): void {
    const points = this.pending;
    if (points.length === 0 || this.seriesFd === null) return;
    let text = "";
    for (let i = 0; i < points.length; i++) {
      text += encodePoint(
        this.quotedNames[points.metric[i] as number] as string,
        points.step[i] as number,
        points.value[i] as number,
        points.time[i] as number,
      );
    }
    const bytes = Buffer.from(text, "utf8");
    let offset = 0;
    try {
      // A torn tail left by an earlier failure whose cut-back also failed.
      if (fstatSync(this.seriesFd).size !== this.seriesBytes) ftruncateSync(this.seriesFd, this.seriesBytes);
      while (offset < bytes.length) offset += writeSync(this.seriesFd, bytes, offset);
    } catch (error) {
      if (offset > 0) {
        try {
          ftruncateSync(this.seriesFd, this.seriesBytes);
        } catch {
          // Retried before the next append.
        }
      }
      this.flushAt = points.length + FLUSH_POINTS;
      throw storeWriteError(
        `${points.length} metric point(s) of run ${this.id} (kept in memory; retried on the next flush) to`,
        this.layout.seriesFile(this.id),
        error,
      );
    }
    this.seriesBytes += bytes.length;
    points.clear();
    this.flushAt = FLUSH_POINTS;
    this.metadataDirty = true; // `latest` changed
  }

  private timerFlush(): void {
    try {
      this.flushSync();
    } catch (error) {
      this.failure = error as StoreError;
    }
  }

  private beat(): void {
    try {
      const now = new Date();
      utimesSync(this.layout.heartbeatFile(this.id), now, now);
    } catch {
      // A removed run folder: nothing to keep alive.
    }
  }

  private indexSnapshot(): void {
    const runFile = this.layout.runFile(this.id);
    try {
      const key = fileKey(statSync(runFile));
      appendIndex(this.layout.indexFile, [{ id: this.id, key, record: this.doc.data }]);
    } catch {
      // The index is a cache; the run file is the truth.
    }
  }
}
