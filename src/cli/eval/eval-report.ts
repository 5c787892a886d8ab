import type { Average } from "../../metrics/index.js";
import type { SliceMetric } from "../../stats/index.js";

/** One scored row of a predictions file. */
export interface EvalRow<T> {
  id: string;
  yTrue: T;
  yPred: T;
  slice: string | null;
}

/** What `expbook eval --json` prints. */
export interface EvalReport {
  file: string;
  task: "classification" | "regression";
  n: number;
  average?: Average;
  positiveLabel?: string;
  labels?: string[];
  metrics: Record<string, number>;
  ci: Record<string, { low: number; high: number; confidence: number; resamples: number; seed: number }>;
  perClass?: { label: string; precision: number; recall: number; f1: number; support: number }[];
  slices?: (SliceMetric & { metric: string })[];
  runId?: string;
}
