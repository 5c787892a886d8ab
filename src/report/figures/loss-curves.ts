import { baseLayout, type FigureSpec, type PlotTrace, roundTo, systemColors } from "../figure-spec.js";
import { type CurvePoint, downsampleSeries } from "./downsample.js";

/** One run's training curves. */
export interface LossCurveRun {
  /** Hover label, e.g. "finetune seed 1". */
  label: string;
  system: string;
  /** Training loss per epoch/step. */
  loss: readonly CurvePoint[];
  /** Validation loss per epoch/step (may be empty). */
  valLoss: readonly CurvePoint[];
}

/**
 * Overlaid loss curves: training loss solid, validation loss dashed, one colour (and one legend
 * entry) per system. Validation loss rising while training loss falls is over-fitting.
 */
export function lossCurvesFigure(
  runs: readonly LossCurveRun[],
  options: {
    maxPoints?: number;
    systemOrder?: readonly string[];
    /** Other series than losses: the names of the solid and dashed curves (default "train", "val"). */
    names?: { solid: string; dashed: string };
  } = {},
): FigureSpec {
  const names = options.names ?? { solid: "train", dashed: "val" };
  // The same system order as the other figures gives each system the same colour everywhere.
  const colors = systemColors(options.systemOrder ?? [...new Set(runs.map((run) => run.system))]);
  const data: PlotTrace[] = [];
  const inLegend = new Set<string>();
  for (const run of runs) {
    const color = colors.get(run.system) ?? "#333333";
    const curves: [string, readonly CurvePoint[], string][] = [
      [names.solid, run.loss, "solid"],
      [names.dashed, run.valLoss, "dash"],
    ];
    for (const [kind, points, dash] of curves) {
      if (points.length === 0) continue;
      const kept = downsampleSeries(points, options.maxPoints ?? 200);
      const first = !inLegend.has(run.system);
      inLegend.add(run.system);
      data.push({
        type: "scatter",
        mode: "lines",
        name: first ? run.system : `${run.label} (${kind})`,
        showlegend: first,
        // Each curve names its run on hover (plotly would read markup in the label, so strip it).
        hovertemplate: `${`${run.label} (${kind})`.replace(/[<>&%{}]/g, " ")}: %{y}<extra></extra>`,
        legendgroup: run.system,
        x: kept.map((point) => point.step),
        y: kept.map((point) => roundTo(point.value)),
        line: { color, dash, width: 1.5 },
      });
    }
  }
  return {
    data,
    layout: options.names
      ? baseLayout(names.dashed ? `${names.solid} (solid) and ${names.dashed} (dashed)` : names.solid, {
          xaxis: { title: { text: "step" } },
          yaxis: { title: { text: names.dashed ? "value" : names.solid } },
        })
      : baseLayout("Training (solid) and validation (dashed) loss", {
          xaxis: { title: { text: "epoch" } },
          yaxis: { title: { text: "loss" } },
        }),
  };
}
