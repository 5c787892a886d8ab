import type { Estimate, FigureSpec, PlotTrace } from "../figure-spec.js";
import { baseLayout, roundTo } from "../figure-spec.js";

/** A system's metric before and after newer documents were added to the knowledge base. */
export interface FreshnessRow {
  system: string;
  /** Undefined when the system has no run in that state (e.g. a fine-tuned model has no "after"). */
  before?: Estimate | undefined;
  after?: Estimate | undefined;
}

function bars(rows: readonly FreshnessRow[], state: "before" | "after", color: string): PlotTrace {
  const estimates = rows.map((row) => row[state]);
  const gap = (f: (e: Estimate) => number) => estimates.map((e) => (e === undefined ? null : roundTo(f(e))));
  return {
    type: "bar",
    name: state === "before" ? "before the update" : "after the update",
    x: rows.map((row) => row.system),
    y: gap((e) => e.mean),
    marker: { color },
    error_y: {
      type: "data",
      symmetric: false,
      array: gap((e) => e.high - e.mean),
      arrayminus: gap((e) => e.mean - e.low),
      color: "#222222",
    },
  };
}

/**
 * Freshness: each system's test metric before and after the knowledge base received newer
 * documents (no retraining). RAG can improve; a fine-tuned model cannot see the new documents.
 */
export function freshnessFigure(rows: readonly FreshnessRow[], metric: string): FigureSpec {
  return {
    data: [bars(rows, "before", "#9ecae1"), bars(rows, "after", "#08519c")],
    layout: baseLayout(`Freshness: ${metric} before and after the knowledge-base update (95% CI)`, {
      barmode: "group",
      yaxis: { title: { text: metric } },
    }),
  };
}
