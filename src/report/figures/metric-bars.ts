import type { Estimate, FigureSpec } from "../figure-spec.js";
import { baseLayout, roundTo, systemColors } from "../figure-spec.js";

/** One bar: a system's mean metric over seeds with its 95% CI. */
export interface MetricBar {
  system: string;
  estimate: Estimate;
}

/** Bars of a metric per system with 95% CI error bars (the interval over seeds). */
export function metricBarsFigure(bars: readonly MetricBar[], metric: string): FigureSpec {
  const colors = systemColors(bars.map((bar) => bar.system));
  return {
    data: [
      {
        type: "bar",
        x: bars.map((bar) => bar.system),
        y: bars.map((bar) => roundTo(bar.estimate.mean)),
        marker: { color: bars.map((bar) => colors.get(bar.system) ?? "#333333") },
        error_y: {
          type: "data",
          symmetric: false,
          array: bars.map((bar) => roundTo(bar.estimate.high - bar.estimate.mean)),
          arrayminus: bars.map((bar) => roundTo(bar.estimate.mean - bar.estimate.low)),
          color: "#222222",
          thickness: 1.5,
        },
        hovertemplate: "%{x}: %{y}<extra></extra>",
      },
    ],
    layout: baseLayout(`${metric} by system (mean over seeds, 95% CI)`, {
      yaxis: { title: { text: metric } },
      showlegend: false,
    }),
  };
}
