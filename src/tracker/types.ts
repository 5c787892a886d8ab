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
}

/** A run record with its metric series loaded. */
export interface RunWithSeries extends RunRecord {
  series: Record<string, MetricPoint[]>;
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
  artifact(name: string, data: string | Uint8Array | JsonValue, options?: { fromPath?: string }): Promise<string>;
  /** Writes buffered points and metadata to disk. */
  flush(): Promise<void>;
  finish(): Promise<void>;
  fail(error: unknown): Promise<void>;
}
