import type { Estimate, FigureSpec, PlotTrace } from "../figure-spec.js";
import { baseLayout, roundTo, systemColors } from "../figure-spec.js";

/** A system's metric at one training-set size. */
export interface LearningCurvePoint {
  system: string;
  /** Number of labelled training examples. */
  labelled: number;
  estimate: Estimate;
}

function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255},${(value >> 8) & 255},${value & 255},${alpha})`;
}

/**
 * The learning curve: the metric against the number of labelled examples (log scale), one line per
 * system with its 95% CI as a shaded band.
 */
export function learningCurveFigure(points: readonly LearningCurvePoint[], metric: string): FigureSpec {
  const systems = [...new Set(points.map((point) => point.system))];
  const colors = systemColors(systems);
  const data: PlotTrace[] = [];
  for (const system of systems) {
    const line = points.filter((point) => point.system === system).sort((a, b) => a.labelled - b.labelled);
    const color = colors.get(system) ?? "#333333";
    const x = line.map((point) => point.labelled);
    data.push({
      type: "scatter",
      mode: "lines",
      x: [...x, ...[...x].reverse()],
      y: [
        ...line.map((point) => roundTo(point.estimate.high)),
        ...[...line].reverse().map((point) => roundTo(point.estimate.low)),
      ],
      fill: "toself",
      fillcolor: withAlpha(color, 0.15),
      line: { width: 0, color },
      hoverinfo: "skip",
      showlegend: false,
      legendgroup: system,
    });
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: system,
      legendgroup: system,
      x,
      y: line.map((point) => roundTo(point.estimate.mean)),
      line: { color, width: 2 },
    });
  }
  return {
    data,
    layout: baseLayout(`Learning curve: ${metric} vs labelled examples (95% CI band)`, {
      xaxis: { title: { text: "labelled training examples" }, type: "log" },
      yaxis: { title: { text: metric } },
    }),
  };
}
