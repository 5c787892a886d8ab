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

/** A loaded dataset: rows plus what they mean. */
export interface Dataset {
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
  /** Where the rows came from (package, file path), for reports. */
  source: string;
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
