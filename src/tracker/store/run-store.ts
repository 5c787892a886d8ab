import type { GcReport } from "../collect-garbage.js";
import type {
  DamagedRun,
  MetricPoint,
  Run,
  RunListing,
  RunQuery,
  RunRecord,
  StartRunOptions,
} from "../types.js";

/** Where an artifact's bytes come from when it is stored. */
export type ArtifactSource = { bytes: Uint8Array } | { fromPath: string };

/** One stored artifact: its name in the run and the SHA-256 of its bytes (artifacts are stored by content). */
export interface ArtifactInfo {
  name: string;
  sha256: string;
  bytes: number;
}

/** One metric point with the series it belongs to, as appended in batches. */
export interface NamedMetricPoint extends MetricPoint {
  metric: string;
}

/** A run's metric series as read back, with the count of unreadable lines skipped (file store only). */
export interface SeriesRead {
  series: Record<string, MetricPoint[]>;
  skippedLines: number;
}

/** Everything `sync` copies of one ended run: its record, every series and its artifact list. */
export interface RunExport {
  record: RunRecord;
  series: Record<string, MetricPoint[]>;
  artifacts: ArtifactInfo[];
}

/** What `importRun` did with one run. */
export type ImportOutcome = "copied" | "present";

/** A lock taken with `RunStore.lock`: released by `release`, or held by someone else. */
export type LockResult = { release: () => Promise<void> } | { heldBy: string };

/**
 * The run store port: what the tracker, studies, systems and the CLI need of a store, whatever holds it.
 * The file store (a folder with lowdb run files) and the PostgreSQL store implement it; `openRunStore`
 * picks one from a URI (`file:` or a plain path, `postgres://`/`postgresql://`).
 *
 * Ids passed in are full run ids (the tracker resolves prefixes with `matchIds`).
 */
export interface RunStore {
  /** What the store was opened from, without any password: an absolute folder or a `postgres://` URI. */
  readonly uri: string;
  /** Which kind of store this is. */
  readonly kind: "file" | "postgres";
  /** The store's local folder (file store), or undefined for a database store. */
  readonly localDir: string | undefined;

  /** Creates a run and returns the live handle code logs to (points are buffered and appended in batches). */
  startRun(options: StartRunOptions): Promise<Run>;
  /** Runs matching the query, with every damaged run (a database store has none). */
  list(query: RunQuery): Promise<RunListing>;
  /** One run with its effective status (`crashed` when its heartbeat is stale), or undefined when absent. */
  read(id: string): Promise<RunRecord | DamagedRun | undefined>;
  /** Full ids of the runs whose id starts with `prefix` (at most `limit`, default all), oldest first. */
  matchIds(prefix: string, limit?: number): Promise<string[]>;
  /** A run's metric series (only `metrics` when given). */
  readSeries(id: string, metrics?: string[]): Promise<SeriesRead>;
  /** Appends metric points to a run in one batch (used by `sync`; live runs append their own buffers). */
  appendPoints(id: string, points: NamedMetricPoint[]): Promise<void>;

  /** A run's artifacts. */
  listArtifacts(id: string): Promise<ArtifactInfo[]>;
  /** An artifact's bytes. Throws a `StoreError` naming the run and artifact when absent. */
  getArtifact(id: string, name: string): Promise<Uint8Array>;
  /** A local file holding the artifact (file store: the file itself; database store: a cached copy). */
  artifactFile(id: string, name: string): Promise<string>;
  /** Stores an artifact of a run (by content: identical bytes are kept once in the store). */
  putArtifact(id: string, name: string, source: ArtifactSource): Promise<ArtifactInfo>;

  /** Copies an ended run from another store; `present` (nothing written) when a run with its id exists. */
  importRun(
    run: RunExport,
    readArtifact: (info: ArtifactInfo) => Promise<Uint8Array>,
  ): Promise<ImportOutcome>;
  /** Merges tags into a run that has ended. */
  tagEnded(id: string, tags: Record<string, string | boolean>): Promise<void>;
  /** Deletes a run with its series and artifact references. */
  remove(id: string): Promise<void>;
  /** Removes what no run references and repairs indexes (`dryRun`: only report). Never touches a live run. */
  gc(options: { dryRun: boolean }): Promise<GcReport>;
  /**
   * Takes a named lock held until released or until this process dies (file store: a lock file with the
   * pid; database store: a session advisory lock). When another live process holds it, `heldBy` says who
   * (pid and host, or the database session) so the error can name it.
   */
  lock(name: string): Promise<LockResult>;
  /** Flushes this store's open runs and closes connections. */
  close(): Promise<void>;
}

/** Options every store takes when opened. */
export interface RunStoreOptions {
  /** A running run whose heartbeat is older than this reads as crashed (default 2 minutes). */
  staleAfterMs?: number;
}
