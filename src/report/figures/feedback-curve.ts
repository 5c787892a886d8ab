import type { Estimate, FigureSpec, PlotTrace } from "../figure-spec.js";
import { baseLayout, roundTo, systemColors } from "../figure-spec.js";

/** A system family's metric with feedback on one share of the traffic. */
export interface FeedbackCurvePoint {
  /** The family: one way of using feedback (retrain, knowledge base) with one base system. */
  family: string;
  /** Share of the traffic that received feedback, 0..1. */
  share: number;
  estimate: Estimate;
  /** True for the served model unchanged, drawn flat across the shares as the reference. */
  unchanged?: boolean;
}

/**
 * The feedback study: the test metric as the share of traffic with feedback grows (0, 10%, 25%, 50%),
 * one line per way of using it with its 95% CI over seeds as error bars. The served model unchanged is a
 * dashed line across the whole range.
 */
export function feedbackCurveFigure(points: readonly FeedbackCurvePoint[], metric: string): FigureSpec {
  const families = [...new Set(points.map((point) => point.family))];
  const colors = systemColors(families);
  const shares = points.map((point) => point.share);
  const span = [Math.min(0, ...shares), Math.max(...shares)];
  const data: PlotTrace[] = families.map((family) => {
    const line = points.filter((point) => point.family === family).sort((a, b) => a.share - b.share);
    const flat = line.every((point) => point.unchanged) && line.length > 0;
    const drawn = flat ? span.map((share) => ({ ...(line[0] as FeedbackCurvePoint), share })) : line;
    return {
      type: "scatter",
      mode: flat ? "lines" : "lines+markers",
      name: flat ? `${family} (unchanged)` : family,
      x: drawn.map((point) => roundTo(point.share * 100)),
      y: drawn.map((point) => roundTo(point.estimate.mean)),
      line: { color: colors.get(family) ?? "#333333", width: 2, ...(flat ? { dash: "dash" } : {}) },
      error_y: {
        type: "data",
        symmetric: false,
        array: drawn.map((point) => roundTo(point.estimate.high - point.estimate.mean)),
        arrayminus: drawn.map((point) => roundTo(point.estimate.mean - point.estimate.low)),
        visible: !flat,
      },
    };
  });
  return {
    data,
    layout: baseLayout(`Learning from feedback: ${metric} vs share of traffic with feedback (95% CI)`, {
      xaxis: { title: { text: "traffic with feedback (%)" } },
      yaxis: { title: { text: metric } },
    }),
  };
}
