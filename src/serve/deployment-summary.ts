import { meanAbsoluteError } from "../metrics/regression-errors.js";
import type { DeploymentEvent } from "./deployment-event.js";
import { feedbackPairs } from "./feedback-rows.js";

/** What a deployment has done so far. */
export interface DeploymentSummary {
  predictions: number;
  /** Feedback events received (a request corrected twice counts twice). */
  feedback: number;
  /** Requests with feedback. */
  labelledRequests: number;
  documents: { added: number; updated: number; removed: number };
  /** Prediction latency percentiles in milliseconds (null before the first prediction). */
  latencyMs: { p50: number; p90: number; p99: number; max: number } | null;
  /** Classification: share of labelled requests whose served label matched the feedback. */
  agreement: number | null;
  /** Regression: mean absolute error of served values against feedback targets. */
  mae: number | null;
}

/** The value at quantile q of sorted numbers (linear interpolation, like numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  return a + ((sorted[high] as number) - a) * (position - low);
}

/** Counts, latency percentiles and agreement between predictions and feedback, from a record. */
export function summarizeDeployment(events: readonly DeploymentEvent[]): DeploymentSummary {
  const latencies: number[] = [];
  let feedback = 0;
  const documents = { added: 0, updated: 0, removed: 0 };
  for (const event of events) {
    if (event.type === "prediction") latencies.push(event.latencyMs);
    else if (event.type === "feedback") feedback++;
    else if (event.op === "add") documents.added++;
    else if (event.op === "update") documents.updated++;
    else documents.removed++;
  }
  latencies.sort((a, b) => a - b);
  const pairs = feedbackPairs(events);
  const labelled = pairs.filter((pair) => pair.feedback.label !== undefined);
  const targeted = pairs.filter(
    (pair) => pair.feedback.target !== undefined && pair.prediction.value !== undefined,
  );
  return {
    predictions: latencies.length,
    feedback,
    labelledRequests: pairs.length,
    documents,
    latencyMs:
      latencies.length === 0
        ? null
        : {
            p50: quantile(latencies, 0.5),
            p90: quantile(latencies, 0.9),
            p99: quantile(latencies, 0.99),
            max: latencies[latencies.length - 1] as number,
          },
    agreement:
      labelled.length === 0
        ? null
        : labelled.filter((pair) => pair.prediction.label === pair.feedback.label).length / labelled.length,
    mae:
      targeted.length === 0
        ? null
        : meanAbsoluteError(
            targeted.map((pair) => pair.feedback.target as number),
            targeted.map((pair) => pair.prediction.value as number),
          ),
  };
}

/** The summary as labelled lines for `expbook show`. */
export function deploymentLines(summary: DeploymentSummary): [string, string][] {
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const lines: [string, string][] = [
    ["predictions", String(summary.predictions)],
    ["feedback", `${summary.feedback} (${summary.labelledRequests} requests)`],
  ];
  if (summary.latencyMs) {
    const { p50, p90, p99, max } = summary.latencyMs;
    lines.push(["latency", `p50 ${ms(p50)}  p90 ${ms(p90)}  p99 ${ms(p99)}  max ${ms(max)}`]);
  }
  if (summary.agreement !== null) {
    lines.push(["agreement", `${(100 * summary.agreement).toFixed(1)}% of requests with feedback`]);
  }
  if (summary.mae !== null) lines.push(["feedback MAE", summary.mae.toPrecision(4)]);
  const { added, updated, removed } = summary.documents;
  if (added + updated + removed > 0) {
    lines.push(["documents", `${added} added, ${updated} updated, ${removed} removed`]);
  }
  return lines;
}
