import type { FigureSpec, PlotTrace } from "../figure-spec.js";
import { baseLayout, roundTo, systemColors } from "../figure-spec.js";

/** A system's metric on one slice (subgroup) of the test set. */
export interface SliceValue {
  system: string;
  slice: string;
  value: number;
  /** Test rows in the slice. */
  n: number;
}

/** Per-slice metrics: grouped bars, one group per slice value, one bar per system (gaps show bias). */
export function sliceMetricsFigure(
  values: readonly SliceValue[],
  sliceName: string,
  metric: string,
): FigureSpec {
  const systems = [...new Set(values.map((value) => value.system))];
  const slices = [...new Set(values.map((value) => value.slice))];
  const colors = systemColors(systems);
  const data: PlotTrace[] = systems.map((system) => {
    const own = new Map(
      values.filter((value) => value.system === system).map((value) => [value.slice, value]),
    );
    return {
      type: "bar",
      name: system,
      x: slices,
      y: slices.map((slice) => {
        const value = own.get(slice)?.value;
        return value === undefined || !Number.isFinite(value) ? null : roundTo(value);
      }),
      text: slices.map((slice) => `n=${own.get(slice)?.n ?? 0}`),
      textposition: "none",
      hovertemplate: "%{x}: %{y} (%{text})<extra></extra>",
      marker: { color: colors.get(system) ?? "#333333" },
    };
  });
  return {
    data,
    layout: baseLayout(`${metric} per ${sliceName}`, {
      barmode: "group",
      xaxis: { title: { text: sliceName }, type: "category" },
      yaxis: { title: { text: metric } },
    }),
  };
}
