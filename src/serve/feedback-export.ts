import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { accuracyScore } from "../metrics/accuracy.js";
import { meanAbsoluteError } from "../metrics/regression-errors.js";
import { bootstrapCI } from "../stats/bootstrap-ci.js";
import { InputError } from "../util/errors.js";
import type { DeploymentEvent } from "./deployment-event.js";
import { type FeedbackPair, feedbackPairs, feedbackRow } from "./feedback-rows.js";

/** File name of the exported feedback dataset inside `--out DIR`. */
export const feedbackDatasetFile = "feedback.jsonl";

/** A live estimate of the served model's quality from the feedback received. */
export interface LiveEstimate {
  /** accuracy (labels) or mae (targets). */
  metric: "accuracy" | "mae";
  /** Requests with feedback that the estimate uses. */
  n: number;
  estimate: number;
  low: number;
  high: number;
  confidence: number;
}

/** What `exportFeedback` wrote and estimated. */
export interface FeedbackExport {
  path: string;
  rows: number;
  /** Null when no feedback has arrived yet. */
  live: LiveEstimate | null;
}

/**
 * Writes the labelled feedback of a deployment record as a JSONL dataset (`DIR/feedback.jsonl`, one
 * row per request with feedback) and estimates the served model's accuracy (or MAE) over those
 * requests with a seeded percentile-bootstrap CI.
 */
export function exportFeedback(
  events: readonly DeploymentEvent[],
  outDir: string,
  options: { seed?: number; resamples?: number; confidence?: number } = {},
): FeedbackExport {
  const pairs = feedbackPairs(events);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new InputError(`cannot create --out ${outDir} (${(error as Error).message}); pick another folder`);
  }
  const path = join(outDir, feedbackDatasetFile);
  const text = pairs.map((pair) => `${JSON.stringify(feedbackRow(pair))}\n`).join("");
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
  return { path, rows: pairs.length, live: liveEstimate(pairs, options) };
}

/**
 * Accuracy over the requests whose feedback gave a label, else MAE over those that gave a target,
 * with a seeded percentile-bootstrap CI; null before any feedback.
 */
function liveEstimate(
  pairs: readonly FeedbackPair[],
  options: { seed?: number; resamples?: number; confidence?: number },
): LiveEstimate | null {
  const ci = {
    seed: options.seed ?? 0,
    resamples: options.resamples ?? 2000,
    confidence: options.confidence ?? 0.95,
  };
  const labelled = pairs.flatMap(({ feedback, prediction }) =>
    feedback.label !== undefined && prediction.label !== undefined
      ? [{ truth: feedback.label, served: prediction.label }]
      : [],
  );
  if (labelled.length > 0) {
    return estimate("accuracy", labelled, accuracyScore, ci);
  }
  const targeted = pairs.flatMap(({ feedback, prediction }) =>
    feedback.target !== undefined && prediction.value !== undefined
      ? [{ truth: feedback.target, served: prediction.value }]
      : [],
  );
  return targeted.length > 0 ? estimate("mae", targeted, meanAbsoluteError, ci) : null;
}

function estimate<T extends string | number>(
  metric: LiveEstimate["metric"],
  pairs: readonly { truth: T; served: T }[],
  score: (yTrue: T[], yPred: T[]) => number,
  ci: { seed: number; resamples: number; confidence: number },
): LiveEstimate {
  const interval = bootstrapCI(
    { yTrue: pairs.map((pair) => pair.truth), yPred: pairs.map((pair) => pair.served) },
    score,
    ci,
  );
  return {
    metric,
    n: pairs.length,
    estimate: interval.estimate,
    low: interval.low,
    high: interval.high,
    confidence: interval.confidence,
  };
}
