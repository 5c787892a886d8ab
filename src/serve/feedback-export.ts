import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { accuracyScore } from "../metrics/accuracy.js";
import { meanAbsoluteError } from "../metrics/regression-errors.js";
import { bootstrapCI } from "../stats/bootstrap-ci.js";
import { InputError } from "../util/errors.js";
import type { DeploymentEvent } from "./deployment-event.js";
import { feedbackPairs, feedbackRow } from "./feedback-rows.js";

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
  const ci = {
    seed: options.seed ?? 0,
    resamples: options.resamples ?? 2000,
    confidence: options.confidence ?? 0.95,
  };
  const labelled = pairs.filter(
    (pair) => pair.feedback.label !== undefined && pair.prediction.label !== undefined,
  );
  const targeted = pairs.filter(
    (pair) => pair.feedback.target !== undefined && pair.prediction.value !== undefined,
  );
  let live: LiveEstimate | null = null;
  if (labelled.length > 0) {
    const interval = bootstrapCI(
      {
        yTrue: labelled.map((pair) => pair.feedback.label as string),
        yPred: labelled.map((pair) => pair.prediction.label as string),
      },
      (yTrue, yPred) => accuracyScore(yTrue, yPred),
      ci,
    );
    live = { metric: "accuracy", n: labelled.length, ...pick(interval) };
  } else if (targeted.length > 0) {
    const interval = bootstrapCI(
      {
        yTrue: targeted.map((pair) => pair.feedback.target as number),
        yPred: targeted.map((pair) => pair.prediction.value as number),
      },
      (yTrue, yPred) => meanAbsoluteError(yTrue, yPred),
      ci,
    );
    live = { metric: "mae", n: targeted.length, ...pick(interval) };
  }
  return { path, rows: pairs.length, live };
}

function pick(interval: { estimate: number; low: number; high: number; confidence: number }) {
  return {
    estimate: interval.estimate,
    low: interval.low,
    high: interval.high,
    confidence: interval.confidence,
  };
}
