import type { ConfusionMatrix } from "../../metrics/index.js";
import type { FigureSpec, PlotTrace } from "../figure-spec.js";
import { baseLayout, panelTitle } from "../figure-spec.js";
import type { JsonValue } from "../../tracker/types.js";

/** One system's confusion matrix. */
export interface NamedConfusion {
  name: string;
  confusion: ConfusionMatrix;
}

/**
 * Confusion matrices as annotated heatmaps side by side (up to 3 per row), one per system: rows are
 * true classes, columns predicted classes, darker is more examples.
 */
export function confusionMatrixFigure(
  matrices: readonly NamedConfusion[],
  title = "Confusion matrices",
): FigureSpec {
  const columns = Math.min(3, Math.max(1, matrices.length));
  const rows = Math.ceil(matrices.length / columns);
  const classes = Math.max(2, ...matrices.map((m) => m.confusion.labels.length));
  const data: PlotTrace[] = [];
  const layout: { [key: string]: JsonValue } = {};
  const annotations: JsonValue[] = [];
  const gap = 0.08;
  const width = (1 - gap * (columns - 1)) / columns;
  // Rows are laid out in pixels (a cell ~45 px, 85 px between rows for the axis and subplot titles).
  const cell = 60 + 45 * Math.min(classes, 10);
  const spacing = 85;
  const plotArea = rows * cell + (rows - 1) * spacing;
  const height = cell / plotArea;
  matrices.forEach(({ name, confusion }, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    const column = i % columns;
    const row = Math.floor(i / columns);
    const x0 = column * (width + gap);
    const y1 = 1 - (row * (cell + spacing)) / plotArea;
    data.push({
      type: "heatmap",
      z: confusion.matrix,
      x: confusion.labels,
      y: confusion.labels,
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      text: confusion.matrix.map((r) => r.map(String)),
      texttemplate: "%{text}",
      colorscale: "Blues",
      reversescale: true,
      showscale: false,
      hovertemplate: `${name.replace(/[<>&%{}]/g, " ")}: true %{y}, predicted %{x}: %{z}<extra></extra>`,
    });
    layout[`xaxis${suffix}`] = {
      domain: [x0, x0 + width],
      anchor: `y${suffix}`,
      type: "category",
      title: { text: "predicted" },
    };
    layout[`yaxis${suffix}`] = {
      domain: [y1 - height, y1],
      anchor: `x${suffix}`,
      type: "category",
      autorange: "reversed",
      title: { text: column === 0 ? "true" : "" },
    };
    annotations.push(panelTitle(name, x0, width, y1, 12));
  });
  return {
    data,
    layout: baseLayout(title, {
      ...layout,
      annotations,
      showlegend: false,
      height: plotArea + 130,
      margin: { l: 70, r: 20, t: 80, b: 50 },
    }),
  };
}
