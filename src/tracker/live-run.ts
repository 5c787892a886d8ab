import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { InputError, StoreError } from "../util/errors.js";
import { HEARTBEAT_INTERVAL_MS } from "./liveness.js";
import { type OpenRun, trackOpenRun, untrackOpenRun } from "./process-hooks.js";
import { fileKey, RunDocument } from "./run-document.js";
import { appendIndex } from "./run-index.js";
import { encodePoint } from "./series-file.js";
import { artifactFileName, type StoreLayout } from "./store-layout.js";
import type { JsonValue, Run, RunRecord } from "./types.js";

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
  // Buffered points live in typed arrays (no per-point objects or strings to collect) and are
  // turned into JSONL text only when flushed.
  // They start small and double up to FLUSH_POINTS (a sweep opens thousands of short runs).
  private pending = 0;
  private capacity = 0;
  private pendingName = new Uint32Array(0);
  private pendingStep = new Float64Array(0);
  private pendingValue = new Float64Array(0);
  private pendingTime = new Float64Array(0);
  private readonly metricIndex = new Map<string, number>();
  private readonly quotedNames: string[] = [];
  private readonly nextStep: number[] = [];
  private readonly latest: Record<string, number>;
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
    this.flushTimer = setInterval(() => this.timerFlush(), FLUSH_INTERVAL_MS).unref();
    this.heartbeatTimer = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS).unref();
    // No index line yet: a running run changes constantly, so listings read its run file directly;
    // the index gets the run's final state in endSync.
    trackOpenRun(this);
  }

  /** Logs one metric point; `step` defaults to one past this metric's previous step (starting at 0). */
  log(name: string, value: number, step?: number): void {
    this.assertOpen("log");
    if (typeof name !== "string" || name === "") {
      throw new InputError(`run.log: metric name must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    if (typeof value !== "number") {
      throw new InputError(`run.log("${name}"): value must be a number, got ${typeof value}`);
    }
    let index = this.metricIndex.get(name);
    if (index === undefined) {
      index = this.quotedNames.length;
      this.metricIndex.set(name, index);
      this.quotedNames.push(JSON.stringify(name));
      this.nextStep.push(0);
    }
    let at = step;
    if (at === undefined) {
      at = this.nextStep[index] as number;
    } else if (typeof at !== "number" || !Number.isFinite(at)) {
      throw new InputError(`run.log("${name}"): step must be a finite number, got ${String(at)}`);
    }
    this.nextStep[index] = at + 1;
    if (this.pending === this.capacity) this.grow();
    const slot = this.pending++;
    this.pendingName[slot] = index;
    this.pendingStep[slot] = at;
    this.pendingValue[slot] = value;
    this.pendingTime[slot] = Date.now();
    this.latest[name] = value;
    if (this.pending === FLUSH_POINTS) this.writePoints();
  }

  /** Logs several metrics at the same step. */
  logMany(values: Record<string, number>, step?: number): void {
    for (const [name, value] of Object.entries(values)) this.log(name, value, step);
  }

  /** Merges values into the run's summary metrics. */
  summary(values: Record<string, number | string | boolean>): void {
    this.assertOpen("summary");
    Object.assign(this.doc.data.summary, values);
    this.metadataDirty = true;
  }

  /** Merges tags. */
  tag(values: Record<string, string | boolean>): void {
    this.assertOpen("tag");
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== "string" && typeof value !== "boolean") {
        throw new InputError(`run.tag: tag "${key}" must be a string or boolean, got ${typeof value}`);
      }
    }
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
    if (typeof name !== "string" || name === "") {
      throw new InputError("run.artifact: the artifact name must be a non-empty string");
    }
    mkdirSync(this.artifactDir, { recursive: true });
    const path = join(this.artifactDir, artifactFileName(name));
    const temp = `${path}.${process.pid}.tmp`;
    if (options.fromPath !== undefined) {
      try {
        copyFileSync(options.fromPath, temp);
      } catch (error) {
        throw new InputError(
          `run.artifact("${name}"): cannot copy ${options.fromPath} (${(error as Error).message})`,
        );
      }
    } else if (typeof data === "string" || data instanceof Uint8Array) {
      writeFileSync(temp, data);
    } else {
      writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`);
    }
    renameSync(temp, path);
    if (!this.doc.data.artifacts.includes(name)) this.doc.data.artifacts.push(name);
    this.metadataDirty = true;
    this.flushSync();
    return path;
  }

  /** Writes buffered points and changed metadata to disk. */
  async flush(): Promise<void> {
    this.flushSync();
  }

  /** Marks the run finished. */
  async finish(): Promise<void> {
    this.endSync("finished", null);
  }

  /** Marks the run failed, recording the error's message. */
  async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.endSync("failed", message);
  }

  /** Synchronous flush (used by timers, signal and exit handlers). */
  flushSync(): void {
    this.writePoints();
    if (this.metadataDirty) {
      this.metadataDirty = false;
      this.doc.write();
    }
  }

  /** Records the final status synchronously; a second call is ignored. */
  endSync(status: EndStatus, error: string | null): void {
    if (this.ended !== null) return;
    this.writePoints();
    this.ended = status;
    clearInterval(this.flushTimer);
    clearInterval(this.heartbeatTimer);
    untrackOpenRun(this);
    if (this.seriesFd !== null) {
      closeSync(this.seriesFd);
      this.seriesFd = null;
    }
    this.doc.data.status = status;
    this.doc.data.endedAt = new Date().toISOString();
    this.doc.data.error = error;
    this.doc.write();
    this.metadataDirty = false;
    this.indexSnapshot();
  }

  private assertOpen(what: string): void {
    if (this.ended !== null) {
      throw new StoreError(
        `run ${this.id} has already ${this.ended === "finished" ? "finished" : `ended (${this.ended})`}; cannot ${what} — start a new run`,
      );
    }
  }

  private grow(): void {
    this.capacity = Math.min(FLUSH_POINTS, Math.max(256, this.capacity * 2));
    const grown = <T extends Float64Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(this.capacity);
      next.set(old.subarray(0, this.pending) as never);
      return next;
    };
    this.pendingName = grown(this.pendingName, (n) => new Uint32Array(n));
    this.pendingStep = grown(this.pendingStep, (n) => new Float64Array(n));
    this.pendingValue = grown(this.pendingValue, (n) => new Float64Array(n));
    this.pendingTime = grown(this.pendingTime, (n) => new Float64Array(n));
  }

  private writePoints(): void {
    if (this.pending === 0 || this.seriesFd === null) return;
    let text = "";
    for (let i = 0; i < this.pending; i++) {
      text += encodePoint(
        this.quotedNames[this.pendingName[i] as number] as string,
        this.pendingStep[i] as number,
        this.pendingValue[i] as number,
        this.pendingTime[i] as number,
      );
    }
    this.pending = 0;
    const bytes = Buffer.from(text, "utf8");
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.seriesFd, bytes, offset);
    this.metadataDirty = true; // `latest` changed
  }

  private timerFlush(): void {
    try {
      this.flushSync();
    } catch {
      // The next flush or finish will report a persistent failure.
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
