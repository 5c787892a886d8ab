import { appendFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { InputError, StoreError } from "../../util/errors.js";
import { collectGarbage, type GcReport } from "../collect-garbage.js";
import { removeRunFolder } from "../remove-run.js";
import { applyRunQuery } from "../run-query.js";
import { readRun, runIds, scanStore } from "../scan-store.js";
import { encodePoint, readSeries } from "../series-file.js";
import { startRun } from "../start-run.js";
import { storeWriteError } from "../store-io-error.js";
import { RUN_ID_PATTERN, type StoreLayout, storeLayout } from "../store-layout.js";
import type {
  ArtifactInfo,
  ArtifactSource,
  ImportOutcome,
  LockResult,
  NamedMetricPoint,
  RunExport,
  RunStore,
  SeriesRead,
} from "../store/run-store.js";
import { tagEndedRun } from "../tag-ended-run.js";
import type { DamagedRun, Run, RunListing, RunQuery, RunRecord, StartRunOptions } from "../types.js";
import { unlinkedBlobs } from "./blob-store.js";
import { artifactInfos, artifactNames, existingArtifactFile, readArtifactBytes } from "./file-artifacts.js";
import { takeFileLock } from "./file-lock.js";
import { importRunFolder } from "./import-run.js";
import { writeArtifactFile } from "./put-artifact.js";

/**
 * The file store: a folder with one lowdb `run.json`, one JSONL metrics file and one artifact folder
 * per run, an index that caches listings, and content-addressed blobs that artifact files link to.
 * Every reader sees the store as it is now (runs written by other processes are always visible); a
 * run whose process died reads as crashed (pid on this host, else a stale heartbeat).
 */
export class FileRunStore implements RunStore {
  readonly uri: string;
  readonly kind = "file" as const;
  readonly localDir: string;
  private readonly layout: StoreLayout;
  private readonly staleAfterMs: number;
  private readonly started = new Set<Run>();

  constructor(dir: string, staleAfterMs: number) {
    this.layout = storeLayout(dir);
    this.uri = this.layout.root;
    this.localDir = this.layout.root;
    this.staleAfterMs = staleAfterMs;
  }

  async startRun(options: StartRunOptions): Promise<Run> {
    try {
      mkdirSync(this.layout.runsDir, { recursive: true });
    } catch (error) {
      throw storeWriteError("the run store at", this.uri, error);
    }
    const run = startRun(this.layout, options);
    this.started.add(run);
    return run;
  }

  async list(query: RunQuery): Promise<RunListing> {
    const listing = scanStore(this.layout, this.staleAfterMs);
    return { runs: applyRunQuery(listing.runs, query), damaged: listing.damaged };
  }

  async read(id: string): Promise<RunRecord | DamagedRun | undefined> {
    if (!RUN_ID_PATTERN.test(id)) return undefined;
    const found = readRun(this.layout, id, this.staleAfterMs);
    if (found.status === "damaged") {
      return (found as DamagedRun).error === "run.json is missing" ? undefined : found;
    }
    const record = found as RunRecord;
    return { ...record, artifacts: artifactNames(this.layout, record) };
  }

  async matchIds(prefix: string, limit?: number): Promise<string[]> {
    const matches = runIds(this.layout).filter((id) => id.startsWith(prefix));
    return limit === undefined ? matches : matches.slice(0, limit);
  }

  async readSeries(id: string, metrics?: string[]): Promise<SeriesRead> {
    const read = await readSeries(this.layout.seriesFile(id));
    if (metrics === undefined) return read;
    const series: SeriesRead["series"] = Object.create(null);
    for (const name of metrics) {
      const points = read.series[name];
      if (points !== undefined) series[name] = points;
    }
    return { series, skippedLines: read.skippedLines };
  }

  async appendPoints(id: string, points: NamedMetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    this.assertRun(id);
    let text = "";
    for (const point of points)
      text += encodePoint(JSON.stringify(point.metric), point.step, point.value, point.time);
    try {
      appendFileSync(this.layout.seriesFile(id), text);
    } catch (error) {
      throw storeWriteError(
        `${points.length} metric point(s) of run ${id} to`,
        this.layout.seriesFile(id),
        error,
      );
    }
  }

  async listArtifacts(id: string): Promise<ArtifactInfo[]> {
    return artifactInfos(this.layout, this.existingRecord(id));
  }

  async getArtifact(id: string, name: string): Promise<Uint8Array> {
    return readArtifactBytes(this.layout, id, name);
  }

  async artifactFile(id: string, name: string): Promise<string> {
    return existingArtifactFile(this.layout, id, name);
  }

  async putArtifact(id: string, name: string, source: ArtifactSource): Promise<ArtifactInfo> {
    const record = this.existingRecord(id);
    const { path: _path, ...info } = writeArtifactFile(
      this.layout.root,
      this.layout.artifactDir(id),
      name,
      source,
    );
    // A live run records its own artifact names; an ended one lists files in its folder by file name.
    if (record.status !== "running" && !record.artifacts.includes(name)) {
      tagEndedRun(this.layout, id, {}, [name]);
    }
    return info;
  }

  async importRun(
    run: RunExport,
    readArtifact: (info: ArtifactInfo) => Promise<Uint8Array>,
  ): Promise<ImportOutcome> {
    if (!RUN_ID_PATTERN.test(run.record.id)) {
      throw new StoreError(`cannot import run "${run.record.id}" into ${this.uri}: not an expbook run id`);
    }
    try {
      mkdirSync(this.layout.runsDir, { recursive: true });
    } catch (error) {
      throw storeWriteError("the run store at", this.uri, error);
    }
    return importRunFolder(this.layout, run, readArtifact);
  }

  async tagEnded(id: string, tags: Record<string, string | boolean>): Promise<void> {
    tagEndedRun(this.layout, id, tags);
  }

  async remove(id: string): Promise<void> {
    this.assertRun(id);
    removeRunFolder(this.layout, id);
  }

  async gc(options: { dryRun: boolean }): Promise<GcReport> {
    const report = collectGarbage(this.layout, { dryRun: options.dryRun, staleAfterMs: this.staleAfterMs });
    // Blobs no run file links: what removed runs left behind.
    const blobs = unlinkedBlobs(this.layout.root);
    if (!options.dryRun) {
      for (const path of blobs) {
        try {
          rmSync(path, { force: true });
        } catch (error) {
          throw storeWriteError("(remove) the unused blob", path, error);
        }
      }
    }
    report.orphans.push(...blobs);
    return report;
  }

  async lock(name: string): Promise<LockResult> {
    if (typeof name !== "string" || name === "")
      throw new InputError("a lock name must be a non-empty string");
    return takeFileLock(this.layout.root, name);
  }

  async close(): Promise<void> {
    for (const run of this.started) await run.flush();
  }

  /** The record of a run that must exist (damaged or absent: a `StoreError` naming it). */
  private existingRecord(id: string): RunRecord {
    const found = RUN_ID_PATTERN.test(id) ? readRun(this.layout, id, this.staleAfterMs) : undefined;
    if (found === undefined || found.status === "damaged") {
      throw new StoreError(`no readable run "${id}" in ${this.uri}; list runs with \`expbook ls\``);
    }
    return found as RunRecord;
  }

  private assertRun(id: string): void {
    if (!RUN_ID_PATTERN.test(id) || !existsSync(this.layout.runDir(id))) {
      throw new StoreError(`no run "${id}" in ${this.uri}; list runs with \`expbook ls\``);
    }
  }
}
