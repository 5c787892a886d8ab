import { baseLayout, type FigureSpec, type PlotTrace, roundTo, systemColors } from "../figure-spec.js";
import {
  maeOf,
  pointLabel,
  type RegressionPoint,
  residualOf,
  type SystemPredictions,
} from "./regression-predictions.js";

/** Options of `absoluteErrorsFigure`. */
export interface AbsoluteErrorsOptions {
  /** Outliers drawn per system at most, the largest first (default 100). */
  maxOutliers?: number;
  /** The report's system order, so each system keeps its colour across figures. */
  systemOrder?: readonly string[];
}

/** Tukey's box of some values: quartiles, and whiskers at the most extreme values within 1.5 IQR. */
interface TukeyBox {
  q1: number;
  median: number;
  q3: number;
  lowerWhisker: number;
  upperWhisker: number;
}

// Linear interpolation between order statistics: numpy's default percentile and plotly's "linear" box.
function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (position - lo);
}

function tukeyBox(sorted: readonly number[]): TukeyBox {
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const reach = 1.5 * (q3 - q1);
  const inside = sorted.filter((v) => v >= q1 - reach && v <= q3 + reach);
  return {
    q1,
    median: quantile(sorted, 0.5),
    q3,
    lowerWhisker: inside[0] ?? q1,
    upperWhisker: inside.at(-1) ?? q3,
  };
}

/**
 * The distribution of absolute errors |predicted − actual| per system, on one axis: a box computed from
 * all the system's errors (quartiles, whiskers to the most extreme error within 1.5 IQR), the examples
 * beyond the whiskers as points that name their id on hover, and a diamond at the MAE. An MAE far above
 * the median says a few large misses drive it.
 * @example absoluteErrorsFigure([{ system: "rag", points: [{ id: "1990-Bush", seed: 1, actual: 1990, predicted: 1984 }] }])
 */
export function absoluteErrorsFigure(
  systems: readonly SystemPredictions[],
  options: AbsoluteErrorsOptions = {},
): FigureSpec {
  const colors = systemColors(options.systemOrder ?? systems.map((s) => s.system));
  const data: PlotTrace[] = [];
  for (const { system, points } of systems) {
    if (points.length === 0) continue;
    const error = (p: RegressionPoint) => Math.abs(residualOf(p));
    const sorted = [...points].sort((a, b) => error(a) - error(b));
    const box = tukeyBox(sorted.map(error));
    const color = colors.get(system) ?? "#333333";
    // Precomputed statistics keep the report small however many test predictions there are.
    data.push({
      type: "box",
      name: system,
      x: [system],
      q1: [roundTo(box.q1, 6)],
      median: [roundTo(box.median, 6)],
      q3: [roundTo(box.q3, 6)],
      lowerfence: [roundTo(box.lowerWhisker, 6)],
      upperfence: [roundTo(box.upperWhisker, 6)],
      marker: { color },
      line: { color },
      showlegend: false,
    });
    const outliers = sorted
      .filter((p) => error(p) > box.upperWhisker || error(p) < box.lowerWhisker)
      .reverse()
      .slice(0, Math.max(0, options.maxOutliers ?? 100));
    if (outliers.length === 0) continue;
    data.push({
      type: "scatter",
      mode: "markers",
      name: `${system} outliers`,
      x: outliers.map(() => system),
      y: outliers.map((p) => roundTo(error(p), 6)),
      text: outliers.map(pointLabel),
      hovertemplate: "%{text}: |error| %{y}<extra></extra>",
      marker: { color, size: 6, symbol: "circle-open" },
      showlegend: false,
    });
  }
  const drawn = systems.filter((s) => s.points.length > 0);
  data.push({
    type: "scatter",
    mode: "markers",
    name: "MAE (mean |error|)",
    x: drawn.map((s) => s.system),
    y: drawn.map(({ points }) => roundTo(maeOf(points))),
    marker: { symbol: "diamond", size: 11, color: "#111111" },
    hovertemplate: "%{x}: MAE %{y}<extra></extra>",
  });
  return {
    data,
    layout: baseLayout("Absolute test errors per system (pooled over seeds)", {
      xaxis: { type: "category" },
      yaxis: { title: { text: "|predicted − actual|" }, rangemode: "tozero" },
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: 11 } },
      height: 400,
    }),
  };
}
