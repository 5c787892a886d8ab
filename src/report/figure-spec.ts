import type { JsonValue } from "../tracker/types.js";

/** One plotly trace: a plain JSON object (`type`, `x`, `y`, `name`, ...). */
export type PlotTrace = { [key: string]: JsonValue };

/** A plotly figure as plain data: what `Plotly.newPlot(element, data, layout)` takes. */
export interface FigureSpec {
  data: PlotTrace[];
  layout: { [key: string]: JsonValue };
}

/** A figure with the words a reader needs to read it. */
export interface ReportFigure {
  /** Stable id, used as the HTML element id suffix (letters, digits, dashes). */
  id: string;
  title: string;
  /** One or two sentences: what the figure shows and how to read it. */
  caption: string;
  spec: FigureSpec;
}

/** A point estimate with its 95% confidence interval. */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
  /** Number of seeds (or samples) behind the estimate. */
  n: number;
  /** Sample standard deviation over seeds (NaN for one seed), when known. */
  std?: number;
}

const palette = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
  "#bcbd22",
];

/** A colour per system name, stable for a given list of names (same order → same colours in every figure). */
export function systemColors(names: readonly string[]): Map<string, string> {
  return new Map(names.map((name, index) => [name, palette[index % palette.length] ?? "#333333"]));
}

/** Rounds to `digits` significant digits so embedded figures stay small. */
export function roundTo(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** The layout every report figure starts from: white background, readable margins, legend on top. */
export function baseLayout(
  title: string,
  extra: { [key: string]: JsonValue } = {},
): { [key: string]: JsonValue } {
  return {
    title: { text: title, font: { size: 15 } },
    margin: { l: 60, r: 20, t: 50, b: 60 },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    font: { family: "system-ui, sans-serif", size: 12 },
    // Plotly's default legend (right of the plot) pushes the margin, so it never covers an axis title.
    legend: { font: { size: 11 } },
    height: 360,
    ...extra,
  };
}

/** A small-multiples panel's title: centred above the panel spanning paper x from x0 to x0 + width, top y1. */
export function panelTitle(text: string, x0: number, width: number, y1: number, yshift: number): JsonValue {
  return {
    text,
    showarrow: false,
    xref: "paper",
    yref: "paper",
    x: x0 + width / 2,
    y: y1,
    yshift,
    xanchor: "center",
    yanchor: "bottom",
    font: { size: 13 },
  };
}
