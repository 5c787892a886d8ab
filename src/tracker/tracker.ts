import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DataFrame } from "danfojs";
import { InputError, StoreError } from "../util/errors.js";
import { collectGarbage, type GcReport } from "./collect-garbage.js";
import { type CompareOptions, type Comparison, compareRecords } from "./compare-runs.js";
import { DEFAULT_STALE_AFTER_MS } from "./liveness.js";
import { pairedComparisonTable } from "./paired-comparison-table.js";
import { predictionsArtifact, readPredictionRows } from "./records/prediction-row.js";
import { removeRunFolder } from "./remove-run.js";
import { runsFrame, seriesFrame } from "./run-frame.js";
import { applyRunQuery } from "./run-query.js";
import { readRun, runIds, scanStore } from "./scan-store.js";
import { readSeries } from "./series-file.js";
import { startRun } from "./start-run.js";
import { storeWriteError } from "./store-io-error.js";
import { tagEndedRun } from "./tag-ended-run.js";
import {
  artifactFileName,
  resolveStoreDir,
  STORE_TEMP_PATTERN,
  type StoreLayout,
  storeLayout,
} from "./store-layout.js";
import type {
  DamagedRun,
  Run,
  RunListing,
  RunQuery,
  RunRecord,
  RunWithSeries,
  StartRunOptions,
} from "./types.js";

/** Options of `openTracker`. */
export interface TrackerOptions {
  /** Store directory; default env `EXPBOOK_STORE`, else `.expbook` in the project root (`resolveStoreDir`). */
  dir?: string;
  /** A running run whose heartbeat is older than this reads as crashed (default 2 minutes). */
  staleAfterMs?: number;
}

/** A run store: start runs, list and query them, load one with its series, compare, export. */
export interface Tracker {
  /** Absolute path of the store directory. */
  readonly dir: string;
  /** Starts a run (capturing git state, Node, OS, CPU, expbook version and the command line). */
  startRun(options: StartRunOptions): Promise<Run>;
  /** Runs matching the query (damaged run folders are left out; see `list`). */
  runs(query?: RunQuery): Promise<RunRecord[]>;
  /** Runs matching the query plus every damaged run folder. */
  list(query?: RunQuery): Promise<RunListing>;
  /** One run (id or unique id prefix) with its metric series. */
  run(id: string): Promise<RunWithSeries>;
  /** The full id of the run an id or unique prefix names. */
  resolveId(idOrPrefix: string): string;
  /** Runs as a danfo DataFrame, one row per run (`params.*`, `summary.*`, `tags.*` columns). */
  frame(query?: RunQuery): Promise<DataFrame>;
  /** One run's series as a long danfo DataFrame (metric, step, value, time). */
  seriesFrame(id: string, metrics?: string[]): Promise<DataFrame>;
  /**
   * Params that differ and metrics side by side; with `paired: true`, also the paired tests on the runs'
   * shared test predictions (McNemar, paired bootstrap CI, permutation p, Holm), as `expbook compare`.
   * @example const { sections } = await tracker.compare([a, b], { paired: true });
   */
  compare(ids: string[], options?: CompareOptions): Promise<Comparison>;
  /** Path of a run's artifact (whether or not it exists). */
  artifactPath(runId: string, name: string): string;
  /** Text of a run's artifact. */
  readArtifact(runId: string, name: string): Promise<string>;
  /** Deletes a run folder; returns what was removed. A live run is refused unless `force`. */
  remove(id: string, options?: { force?: boolean }): Promise<RunRecord | DamagedRun>;
  /** Merges tags into a run that has ended (its process no longer writes it). */
  tagFinished(id: string, tags: Record<string, string | boolean>): Promise<void>;
  /** Removes orphaned files and rebuilds the index (`dryRun`: only report). */
  gc(options?: { dryRun?: boolean }): Promise<GcReport>;
  /** Flushes the runs this tracker started that are still open. */
  close(): Promise<void>;
}

class StoreTracker implements Tracker {
  readonly dir: string;
  private readonly layout: StoreLayout;
  private readonly staleAfterMs: number;
  private readonly started = new Set<Run>();

  constructor(dir: string, staleAfterMs: number) {
    this.dir = dir;
    this.layout = storeLayout(dir);
    this.staleAfterMs = staleAfterMs;
  }

  async startRun(options: StartRunOptions): Promise<Run> {
    try {
      mkdirSync(this.layout.runsDir, { recursive: true });
    } catch (error) {
      throw storeWriteError("the run store at", this.dir, error);
    }
    const run = startRun(this.layout, options);
    this.started.add(run);
    return run;
  }

  async runs(query: RunQuery = {}): Promise<RunRecord[]> {
    return (await this.list(query)).runs;
  }

  async list(query: RunQuery = {}): Promise<RunListing> {
    const listing = scanStore(this.layout, this.staleAfterMs);
    return { runs: applyRunQuery(listing.runs, query), damaged: listing.damaged };
  }

  resolveId(idOrPrefix: string): string {
    const wanted = String(idOrPrefix).trim();
    if (wanted === "")
      throw new InputError("give a run id (or a unique prefix of one); list runs with `expbook ls`");
    const ids = runIds(this.layout);
    if (ids.includes(wanted)) return wanted;
    const matches = ids.filter((id) => id.startsWith(wanted));
    if (matches.length === 1) return matches[0] as string;
    if (matches.length === 0) {
      throw new StoreError(`no run "${wanted}" in ${this.dir}; list runs with \`expbook ls\``);
    }
    const shown = matches.slice(0, 5).join(", ");
    throw new InputError(
      `run id prefix "${wanted}" matches ${matches.length} runs (${shown}${matches.length > 5 ? ", ..." : ""}); give more characters`,
    );
  }

  private record(idOrPrefix: string): RunRecord {
    const id = this.resolveId(idOrPrefix);
    const found = readRun(this.layout, id, this.staleAfterMs);
    if (found.status === "damaged") {
      throw new StoreError(
        `run ${id} is damaged: ${found.path} (${found.error}); inspect or remove it with \`expbook rm\``,
      );
    }
    return found as RunRecord;
  }

  async run(idOrPrefix: string): Promise<RunWithSeries> {
    const record = this.record(idOrPrefix);
    const { series, skippedLines } = await readSeries(this.layout.seriesFile(record.id));
    return { ...record, artifacts: this.artifactNames(record), series, skippedLines };
  }

  private artifactNames(record: RunRecord): string[] {
    // Files a system wrote into artifactDir directly count as artifacts too (named by file name).
    const known = new Set(record.artifacts.map(artifactFileName));
    const extra: string[] = [];
    try {
      for (const entry of readdirSync(this.layout.artifactDir(record.id))) {
        if (!known.has(entry) && !STORE_TEMP_PATTERN.test(entry)) extra.push(entry);
      }
    } catch {
      // no artifact folder
    }
    return [...record.artifacts, ...extra.sort()];
  }

  async frame(query: RunQuery = {}): Promise<DataFrame> {
    return runsFrame(await this.runs(query));
  }

  async seriesFrame(id: string, metrics?: string[]): Promise<DataFrame> {
    return seriesFrame(await this.run(id), metrics);
  }

  async compare(ids: string[], options: CompareOptions = {}): Promise<Comparison> {
    if (ids.length < 2) throw new InputError("compare needs at least two runs");
    const runs = await Promise.all(ids.map((id) => this.run(id)));
    const comparison = compareRecords(runs);
    if (options.paired !== true) return comparison;
    const withPredictions = runs
      .filter((run) => run.artifacts.includes(predictionsArtifact))
      .map((run) => {
        const path = this.artifactPath(run.id, predictionsArtifact);
        return {
          id: run.id,
          name: run.name,
          rows: readPredictionRows(readFileSync(path, "utf8"), path),
          summary: run.summary,
        };
      });
    const table = pairedComparisonTable(withPredictions, {
      seed: options.seed ?? 0,
      ...(options.positiveLabel !== undefined ? { positiveLabel: options.positiveLabel } : {}),
      ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    });
    if (table) comparison.sections.push(table);
    return comparison;
  }

  artifactPath(runId: string, name: string): string {
    const id = this.resolveId(runId);
    return join(this.layout.artifactDir(id), artifactFileName(name));
  }

  async readArtifact(runId: string, name: string): Promise<string> {
    const path = this.artifactPath(runId, name);
    if (!existsSync(path)) {
      throw new StoreError(
        `run ${this.resolveId(runId)} has no artifact "${name}"; see \`expbook show ${runId}\``,
      );
    }
    return readFileSync(path, "utf8");
  }

  async remove(idOrPrefix: string, options: { force?: boolean } = {}): Promise<RunRecord | DamagedRun> {
    const id = this.resolveId(idOrPrefix);
    const found = readRun(this.layout, id, this.staleAfterMs);
    if (found.status === "running" && options.force !== true) {
      const { env } = found as RunRecord;
      throw new StoreError(
        `run ${id} is still running (pid ${env.pid} on ${env.hostname}); stop it first, or pass --force to remove it anyway`,
      );
    }
    removeRunFolder(this.layout, id);
    return found;
  }

  async tagFinished(idOrPrefix: string, tags: Record<string, string | boolean>): Promise<void> {
    tagEndedRun(this.layout, this.resolveId(idOrPrefix), tags);
  }

  async gc(options: { dryRun?: boolean } = {}): Promise<GcReport> {
    return collectGarbage(this.layout, { dryRun: options.dryRun ?? false, staleAfterMs: this.staleAfterMs });
  }

  async close(): Promise<void> {
    for (const run of this.started) await run.flush();
  }
}

/**
 * Opens (or prepares) the run store at `dir` (default: env `EXPBOOK_STORE`, else `.expbook` in the
 * project root, the nearest folder with `package.json` or `.git`). Nothing is cached between calls: every listing reads the store as it is now,
 * so runs written by other processes are always visible.
 *
 * @example
 * const tracker = await openTracker();
 * const run = await tracker.startRun({ experiment: "spam", params: { lr: 0.01 }, seed: 7 });
 * run.log("loss", 0.7);
 * await run.finish();
 */
export async function openTracker(options: TrackerOptions = {}): Promise<Tracker> {
  const dir = resolveStoreDir(options.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new StoreError(`the run store ${dir} is a file, not a directory; pass another --store`);
  }
  return new StoreTracker(dir, options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
}
