import type { JsonValue } from "../../tracker/types.js";
import {
  baseLayout,
  type FigureSpec,
  type PlotTrace,
  panelTitle,
  roundTo,
  systemColors,
} from "../figure-spec.js";
import {
  downsamplePredictions,
  maeOf,
  pointLabel,
  type SystemPredictions,
} from "./regression-predictions.js";

/** Options of `predictedVsActualFigure`. */
export interface PredictedVsActualOptions {
  /** Points drawn per system at most (default 500); the MAE always uses all of them. */
  maxPoints?: number;
  /** The report's system order, so each system keeps its colour across figures. */
  systemOrder?: readonly string[];
}

/**
 * Predicted against actual values, one square panel per system (up to 3 per row) on the same axes, each
 * with the line y = x (a perfect prediction) and the system's MAE over all its points in the panel title.
 * Hovering a point shows the example id and seed. Points flatter than the line are predictions shrunk
 * towards the mean.
 * @example predictedVsActualFigure([{ system: "rag", points: [{ id: "1990-Bush", seed: 1, actual: 1990, predicted: 1984 }] }])
 */
export function predictedVsActualFigure(
  systems: readonly SystemPredictions[],
  options: PredictedVsActualOptions = {},
): FigureSpec {
  const colors = systemColors(options.systemOrder ?? systems.map((s) => s.system));
  // One shared extent: panels are comparable, and the y = x line runs corner to corner in each.
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const { points } of systems) {
    for (const p of points) {
      low = Math.min(low, p.actual, p.predicted);
      high = Math.max(high, p.actual, p.predicted);
    }
  }
  if (low > high) [low, high] = [0, 1];
  const pad = (high - low || 1) * 0.04;
  const range = [roundTo(low - pad, 6), roundTo(high + pad, 6)];
  const columns = Math.min(3, Math.max(1, systems.length));
  const rows = Math.ceil(systems.length / columns);
  const gap = 0.07;
  const width = (1 - gap * (columns - 1)) / columns;
  // Rows in pixels: a 300 px panel, 90 px between rows for the axis title and the next panel's title.
  const cell = 300;
  const spacing = 90;
  const plotArea = Math.max(1, rows * cell + (rows - 1) * spacing);
  const data: PlotTrace[] = [];
  const layout: { [key: string]: JsonValue } = {};
  const annotations: JsonValue[] = [];
  systems.forEach(({ system, points }, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    const column = i % columns;
    const x0 = column * (width + gap);
    const y1 = 1 - (Math.floor(i / columns) * (cell + spacing)) / plotArea;
    const shown = downsamplePredictions(points, options.maxPoints ?? 500);
    const name = system.replace(/[<>&%{}]/g, " ");
    data.push({
      type: "scatter",
      mode: "markers",
      name: system,
      x: shown.map((p) => roundTo(p.actual, 6)),
      y: shown.map((p) => roundTo(p.predicted, 6)),
      text: shown.map(pointLabel),
      hovertemplate: `%{text}<br>actual %{x}<br>predicted %{y}<extra>${name}</extra>`,
      marker: { color: colors.get(system) ?? "#333333", size: 5, opacity: 0.6 },
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      name: "y = x",
      x: [roundTo(low, 6), roundTo(high, 6)],
      y: [roundTo(low, 6), roundTo(high, 6)],
      line: { color: "#555555", dash: "dot", width: 1 },
      hoverinfo: "skip",
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
    });
    layout[`xaxis${suffix}`] = {
      domain: [x0, x0 + width],
      anchor: `y${suffix}`,
      range,
      zeroline: false,
      title: { text: "actual" },
    };
    layout[`yaxis${suffix}`] = {
      domain: [Math.max(0, y1 - cell / plotArea), y1],
      anchor: `x${suffix}`,
      range,
      zeroline: false,
      // Equal units on both axes, so y = x is the diagonal and over- and under-prediction look alike.
      scaleanchor: `x${suffix}`,
      constrain: "domain",
      title: { text: column === 0 ? "predicted" : "" },
    };
    annotations.push(panelTitle(`${system} · MAE ${roundTo(maeOf(points))}`, x0, width, y1, 10));
  });
  return {
    data,
    layout: baseLayout("Predicted vs actual (test, pooled over seeds)", {
      ...layout,
      annotations,
      showlegend: false,
      height: plotArea + 140,
      margin: { l: 70, r: 20, t: 80, b: 60 },
    }),
  };
}
