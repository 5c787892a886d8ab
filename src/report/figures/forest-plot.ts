import type { FigureSpec } from "../figure-spec.js";
import { baseLayout, roundTo } from "../figure-spec.js";

/** One row of a forest plot: a system's paired difference against the reference system. */
export interface ForestRow {
  system: string;
  /** Mean paired difference (system − reference). */
  difference: number;
  low: number;
  high: number;
  /** Holm-adjusted p-value. */
  pAdjusted: number;
}

/** Formats a p-value: "< 0.001" below a thousandth, four decimals below 0.1, else three. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return "n/a";
  if (p < 0.001) return "< 0.001";
  // Four decimals below 0.1, so a p just under 0.05 never prints as "0.050".
  return p < 0.1 ? p.toFixed(4) : p.toFixed(3);
}

/**
 * Forest plot: each system's paired difference against the reference (best) system with its 95% CI
 * and Holm-adjusted p-value; intervals crossing zero are differences the data cannot tell apart.
 */
export function forestPlotFigure(rows: readonly ForestRow[], reference: string, metric: string): FigureSpec {
  const labels = rows.map((row) => `${row.system} (p=${formatP(row.pAdjusted)})`);
  return {
    data: [
      {
        type: "scatter",
        mode: "markers",
        x: rows.map((row) => roundTo(row.difference)),
        y: labels,
        marker: { size: 10, color: rows.map((row) => (row.pAdjusted < 0.05 ? "#d62728" : "#7f7f7f")) },
        error_x: {
          type: "data",
          symmetric: false,
          array: rows.map((row) => roundTo(row.high - row.difference)),
          arrayminus: rows.map((row) => roundTo(row.difference - row.low)),
          color: "#444444",
          thickness: 1.5,
        },
        hovertemplate: "%{y}: %{x}<extra></extra>",
      },
    ],
    layout: baseLayout(`Paired difference in ${metric} vs ${reference} (95% CI, Holm-adjusted p)`, {
      xaxis: { title: { text: `${metric}(system) − ${metric}(${reference})` }, zeroline: false },
      yaxis: { automargin: true, autorange: "reversed" },
      shapes: [
        {
          type: "line",
          x0: 0,
          x1: 0,
          yref: "paper",
          y0: 0,
          y1: 1,
          line: { color: "#000000", dash: "dot", width: 1 },
        },
      ],
      showlegend: false,
      height: Math.max(220, 90 + 40 * rows.length),
    }),
  };
}
