/** Run lifecycle states. `crashed` is derived: a `running` run whose heartbeat stopped. */
export type RunStatus = "running" | "finished" | "failed" | "killed" | "crashed";

/** A JSON value users may put in params. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One point of a metric series. */
export interface MetricPoint {
  step: number;
  value: number;
  /** Milliseconds since the epoch. */
  time: number;
}

/** Facts captured for every run without being asked. */
export interface RunEnvironment {
  gitCommit: string | null;
  gitDirty: boolean | null;
  /** SHA-256 of `git diff HEAD` when the tree is dirty. */
  gitDiffHash: string | null;
  node: string;
  os: string;
  cpu: string;
  expbookVersion: string;
  tfjsVersion?: string;
  backend?: string;
  command: string[];
  hostname: string;
  pid: number;
  /** When the process started (Linux: clock ticks since boot, from /proc), so a reused pid is not taken for it. */
  pidStart?: string | null;
}

/** What `tracker.startRun` takes. */
export interface StartRunOptions {
  experiment: string;
  name?: string;
  params?: Record<string, JsonValue>;
  tags?: Record<string, string | boolean>;
  note?: string;
  seed?: number;
  datasetFingerprint?: string;
  splitFingerprint?: string;
  /** Extra environment facts known to the caller (backend, tfjs version). */
  env?: Partial<RunEnvironment>;
}

/** A stored run as read back from the store. */
export interface RunRecord {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  createdAt: string;
  startedAt: string;
  endedAt: string | null;
  params: Record<string, JsonValue>;
  tags: Record<string, string | boolean>;
  note: string;
  seed: number | null;
  datasetFingerprint: string | null;
  splitFingerprint: string | null;
  summary: Record<string, number | string | boolean>;
  env: RunEnvironment;
  error: string | null;
  /** Artifact names (files under the run's artifact folder). */
  artifacts: string[];
  /** Last logged value of every metric series (what `metrics.NAME` falls back to when no summary has it). */
  latest?: Record<string, number>;
  /** Path of the run's folder in the store. */
  path?: string;
}

/** A run record with its metric series loaded. */
export interface RunWithSeries extends RunRecord {
  series: Record<string, MetricPoint[]>;
  /** Lines of the metrics file that could not be read (skipped, never fatal). */
  skippedLines?: number;
}

/** A live run: what code that trains or evaluates writes to. */
export interface Run {
  readonly id: string;
  /** Folder holding this run's artifacts; systems may write files here directly. */
  readonly artifactDir: string;
  log(name: string, value: number, step?: number): void;
  logMany(values: Record<string, number>, step?: number): void;
  summary(values: Record<string, number | string | boolean>): void;
  tag(values: Record<string, string | boolean>): void;
  note(text: string): void;
  /** Stores text, bytes or JSON (or copies a file when `fromPath` is set) as a named artifact; returns its path. */
  artifact(
    name: string,
    data: string | Uint8Array | JsonValue,
    options?: { fromPath?: string },
  ): Promise<string>;
  /** Writes buffered points and metadata to disk. */
  flush(): Promise<void>;
  finish(): Promise<void>;
  fail(error: unknown): Promise<void>;
}

/** A run folder whose metadata could not be read (truncated or invalid JSON); listed, never overwritten. */
export interface DamagedRun {
  id: string;
  status: "damaged";
  /** Path of the unreadable file. */
  path: string;
  /** Why it could not be read. */
  error: string;
}

/** What `tracker.runs` filters, sorts and limits by. */
export interface RunQuery {
  experiment?: string;
  /** A query expression, e.g. `params.lr < 0.01 and metrics.test_f1 > 0.9 and tags.baseline`. */
  where?: string;
  /** A field (e.g. `created`, `name`, `summary.test_f1`); prefix with `-` for descending. Default: `created`. */
  sort?: string;
  limit?: number;
  /** Tag names that must be truthy, or tag values that must match exactly. */
  tags?: string[] | Record<string, string | boolean>;
}

/** Runs and damaged run folders found by one listing. */
export interface RunListing {
  runs: RunRecord[];
  damaged: DamagedRun[];
}
