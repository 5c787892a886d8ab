import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataFrame } from "danfojs";
import { InputError, StoreError } from "../util/errors.js";
import type { GcReport } from "./collect-garbage.js";
import { type CompareOptions, type Comparison, compareRecords } from "./compare-runs.js";
import { predictionsArtifact, readPredictionRows } from "./records/prediction-row.js";
import { runsFrame, seriesFrame } from "./run-frame.js";
import { artifactFileName, storeLayout } from "./store-layout.js";
import type { RunStore } from "./store/run-store.js";
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
  /**
   * The store URI: a folder path or `file:` URI (the file store), or `postgres://…` (the PostgreSQL
   * store). Default: env `EXPBOOK_STORE`, else `.expbook` in the project root.
   */
  store?: string | undefined;
  /** Alias of `store` (a store folder), kept for older code. */
  dir?: string | undefined;
  /** A running run whose heartbeat is older than this reads as crashed (default 2 minutes). */
  staleAfterMs?: number;
}

/** A run store's facade: start runs, list and query them, load one with its series, compare, export. */
export interface Tracker {
  /** The store underneath (the port every store implements). */
  readonly store: RunStore;
  /** What the store was opened from (an absolute folder, or a `postgres://` URI without its password). */
  readonly uri: string;
  /** The store's local folder (file store), or undefined for a database store. */
  readonly dir: string | undefined;
  /** Starts a run (capturing git state, Node, OS, CPU, expbook version and the command line). */
  startRun(options: StartRunOptions): Promise<Run>;
  /** Runs matching the query (damaged run folders are left out; see `list`). */
  runs(query?: RunQuery): Promise<RunRecord[]>;
  /** Runs matching the query plus every damaged run folder. */
  list(query?: RunQuery): Promise<RunListing>;
  /** One run (id or unique id prefix) with its metric series. */
  run(id: string): Promise<RunWithSeries>;
  /** The full id of the run an id or unique prefix names. */
  resolveId(idOrPrefix: string): Promise<string>;
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
  /** A local file holding a run's artifact (file store: the file itself). Throws a `StoreError` when absent. */
  artifactFile(runId: string, name: string): Promise<string>;
  /**
   * A local folder holding all of a run's artifacts under their file names (file store: the run's
   * artifact folder; a database store: a copy in a temp folder), e.g. to load a saved model.
   */
  artifactFolder(runId: string): Promise<string>;
  /** Text of a run's artifact. */
  readArtifact(runId: string, name: string): Promise<string>;
  /** Deletes a run; returns what was removed. A live run is refused unless `force`. */
  remove(id: string, options?: { force?: boolean }): Promise<RunRecord | DamagedRun>;
  /** Merges tags into a run that has ended (its process no longer writes it). */
  tagFinished(id: string, tags: Record<string, string | boolean>): Promise<void>;
  /** Removes orphaned files and rebuilds the index (`dryRun`: only report). */
  gc(options?: { dryRun?: boolean }): Promise<GcReport>;
  /** Flushes the runs this tracker started that are still open, and closes the store. */
  close(): Promise<void>;
}

class StoreTracker implements Tracker {
  readonly store: RunStore;
  // Local copies of a database store's artifact folders, made once per run.
  private readonly folders = new Map<string, string>();

  constructor(store: RunStore) {
    this.store = store;
  }

  get uri(): string {
    return this.store.uri;
  }

  get dir(): string | undefined {
    return this.store.localDir;
  }

  startRun(options: StartRunOptions): Promise<Run> {
    return this.store.startRun(options);
  }

  async runs(query: RunQuery = {}): Promise<RunRecord[]> {
    return (await this.list(query)).runs;
  }

  list(query: RunQuery = {}): Promise<RunListing> {
    return this.store.list(query);
  }

  async resolveId(idOrPrefix: string): Promise<string> {
    const wanted = String(idOrPrefix).trim();
    if (wanted === "")
      throw new InputError("give a run id (or a unique prefix of one); list runs with `expbook ls`");
    const matches = await this.store.matchIds(wanted);
    if (matches.includes(wanted)) return wanted;
    if (matches.length === 1) return matches[0] as string;
    if (matches.length === 0) {
      throw new StoreError(`no run "${wanted}" in ${this.uri}; list runs with \`expbook ls\``);
    }
    const shown = matches.slice(0, 5).join(", ");
    throw new InputError(
      `run id prefix "${wanted}" matches ${matches.length} runs (${shown}${matches.length > 5 ? ", ..." : ""}); give more characters`,
    );
  }

  private async found(id: string): Promise<RunRecord | DamagedRun> {
    const found = await this.store.read(id);
    if (found === undefined) {
      throw new StoreError(`no run "${id}" in ${this.uri}; list runs with \`expbook ls\``);
    }
    return found;
  }

  private async record(idOrPrefix: string): Promise<RunRecord> {
    const found = await this.found(await this.resolveId(idOrPrefix));
    if (found.status === "damaged") {
      const { id, path, error } = found as DamagedRun;
      throw new StoreError(
        `run ${id} is damaged: ${path} (${error}); inspect or remove it with \`expbook rm\``,
      );
    }
    return found as RunRecord;
  }

  async run(idOrPrefix: string): Promise<RunWithSeries> {
    const record = await this.record(idOrPrefix);
    const { series, skippedLines } = await this.store.readSeries(record.id);
    return { ...record, series, skippedLines };
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
    const withPredictions = await Promise.all(
      runs
        .filter((run) => run.artifacts.includes(predictionsArtifact))
        .map(async (run) => {
          const path = await this.store.artifactFile(run.id, predictionsArtifact);
          return {
            id: run.id,
            name: run.name,
            rows: readPredictionRows(readFileSync(path, "utf8"), path),
            summary: run.summary,
          };
        }),
    );
    // The paired tests bring the stats and metrics modules: loaded at the first paired comparison only.
    const { pairedComparisonTable } = await import("./paired-comparison-table.js");
    const table = pairedComparisonTable(withPredictions, {
      seed: options.seed ?? 0,
      ...(options.positiveLabel !== undefined ? { positiveLabel: options.positiveLabel } : {}),
      ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    });
    if (table) comparison.sections.push(table);
    return comparison;
  }

  async artifactFile(runId: string, name: string): Promise<string> {
    return this.store.artifactFile(await this.resolveId(runId), name);
  }

  async artifactFolder(runId: string): Promise<string> {
    const id = await this.resolveId(runId);
    if (this.store.localDir !== undefined) {
      return storeLayout(this.store.localDir).artifactDir(id);
    }
    const known = this.folders.get(id);
    if (known !== undefined) return known;
    const folder = mkdtempSync(join(tmpdir(), `expbook-artifacts-${id}-`));
    for (const info of await this.store.listArtifacts(id)) {
      copyFileSync(await this.store.artifactFile(id, info.name), join(folder, artifactFileName(info.name)));
    }
    this.folders.set(id, folder);
    return folder;
  }

  async readArtifact(runId: string, name: string): Promise<string> {
    const bytes = await this.store.getArtifact(await this.resolveId(runId), name);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  }

  async remove(idOrPrefix: string, options: { force?: boolean } = {}): Promise<RunRecord | DamagedRun> {
    const id = await this.resolveId(idOrPrefix);
    const found = await this.found(id);
    if (found.status === "running" && options.force !== true) {
      const { env } = found as RunRecord;
      throw new StoreError(
        `run ${id} is still running (pid ${env.pid} on ${env.hostname}); stop it first, or pass --force to remove it anyway`,
      );
    }
    await this.store.remove(id);
    return found;
  }

  async tagFinished(idOrPrefix: string, tags: Record<string, string | boolean>): Promise<void> {
    await this.store.tagEnded(await this.resolveId(idOrPrefix), tags);
  }

  gc(options: { dryRun?: boolean } = {}): Promise<GcReport> {
    return this.store.gc({ dryRun: options.dryRun ?? false });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Opens (or prepares) the run store a URI names (`store`, or its alias `dir`; default: env
 * `EXPBOOK_STORE`, else `.expbook` in the project root, the nearest folder with `package.json` or
 * `.git`). Nothing is cached between calls: every listing reads the store as it is now, so runs
 * written by other processes are always visible.
 *
 * @example
 * const tracker = await openTracker();
 * const run = await tracker.startRun({ experiment: "spam", params: { lr: 0.01 }, seed: 7 });
 * run.log("loss", 0.7);
 * await run.finish();
 */
export async function openTracker(options: TrackerOptions = {}): Promise<Tracker> {
  const { openRunStore } = await import("./store/open-run-store.js");
  const store = await openRunStore(options.store ?? options.dir, {
    ...(options.staleAfterMs !== undefined ? { staleAfterMs: options.staleAfterMs } : {}),
  });
  return new StoreTracker(store);
}
