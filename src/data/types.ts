/** What a dataset asks a model to do. */
export type Task = "classification" | "regression";

/** A metadata value kept beside an example (group, year, party, collection...). */
export type MetaValue = string | number | boolean | null;

/**
 * One labelled example. Text datasets set `text`; tabular ones set `features`.
 * Classification examples set `label`; regression examples set `target`.
 */
export interface Example {
  /** Unique within its dataset and stable across machines. */
  id: string;
  text?: string;
  features?: Record<string, number>;
  label?: string;
  target?: number;
  meta: Record<string, MetaValue>;
}

/**
 * How to load a dataset: options for built-ins, column names for user files. A loaded dataset carries
 * the options that give its rows again (`Dataset.options`), and every run records them.
 */
export interface DatasetOptions {
  /** Task for datasets that support several (sotu: regression on year or classification on party). */
  task?: Task;
  /** spam-assassin: keep e-mail headers (they leak the label). */
  keepHeaders?: boolean;
  /** Text column (text datasets). */
  text?: string;
  /**
   * Numeric feature columns (tabular datasets). When neither `text` nor `features` is named, every
   * numeric column except the label or target (and the id) becomes a feature, and a note says so.
   */
  features?: string[];
  /** Class column: makes the task classification. */
  label?: string;
  /** Numeric target column: makes the task regression. */
  target?: string;
  /** Id column; defaults to `id` when present, else the 1-based row number. */
  id?: string;
  /** The class F1 is reported for in a two-class task (`test_f1` is then that class's F1). */
  positiveLabel?: string;
  /** Turn loading warnings (non-UTF-8 bytes, duplicate headers, non-string text, dropped rows) into errors. */
  strict?: boolean;
}

/** Something the loader changed or chose, said once per load: a `warning` (an error under `strict`) or a `note`. */
export interface DatasetNotice {
  level: "warning" | "note";
  message: string;
}

/** A loaded dataset: rows plus what they mean. */
export interface Dataset {
  /** A built-in's name, or a user file's path relative to the project root ("/"-separated; absolute outside it). */
  name: string;
  task: Task;
  /** Sorted class names (classification only). */
  labels: string[];
  /** The class F1 is reported for in binary tasks (e.g. "spam"). */
  positiveLabel?: string;
  /** Feature names of a tabular dataset, in a fixed order. */
  featureNames?: string[];
  /** Metadata columns present on every row (usable by temporal/group splits and slices). */
  metaColumns: string[];
  rows: Example[];
  /** SHA-256 over canonical rows: the same on every machine. */
  fingerprint: string;
  /** Where the rows came from (package, absolute file path), for reports. */
  source: string;
  /** The loading options that give these rows again (defaulted features filled in); runs record them. */
  options?: DatasetOptions;
  /** For a user file: SHA-256 of its bytes when it was read. */
  fileSha256?: string;
  /** What the loader changed or chose (see {@link DatasetNotice}). */
  notices?: DatasetNotice[];
}

/** Split strategies. */
export type SplitStrategy = "random" | "stratified" | "temporal" | "group";

/** What a split was made from and what it holds. */
export interface SplitInfo {
  dataset: string;
  datasetFingerprint: string;
  strategy: SplitStrategy;
  by?: string;
  seed: number;
  fractions: { train: number; val: number; test: number };
  sizes: { train: number; val: number; test: number; update?: number };
  /** Class counts per split (classification only). */
  classCounts?: { train: Record<string, number>; val: Record<string, number>; test: Record<string, number> };
  /** Number of groups of identical texts (size >= 2) that were kept together. */
  duplicateTextGroups: number;
  fingerprints: { train: string; val: string; test: string; split: string };
}

/** A train/validation/test split, plus an optional pool of newer rows for knowledge-base updates. */
export interface Split {
  train: Example[];
  val: Example[];
  test: Example[];
  /**
   * Rows from the test period that are not in the test set (temporal splits with an update
   * fraction): documents a knowledge base may add later without retraining.
   */
  update: Example[];
  info: SplitInfo;
}
