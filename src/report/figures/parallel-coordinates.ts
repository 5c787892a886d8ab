import type { JsonValue } from "../../tracker/types.js";
import type { FigureSpec, PlotTrace } from "../figure-spec.js";
import { baseLayout, roundTo } from "../figure-spec.js";

/** One sweep trial: the hyperparameters tried and the validation metric they reached. */
export interface SweepTrial {
  system: string;
  params: Record<string, JsonValue>;
  metric: number;
}

function axis(label: string, values: readonly JsonValue[]): PlotTrace {
  if (values.every((value) => typeof value === "number")) {
    return { label, values: values.map((value) => roundTo(value as number)) };
  }
  // Categorical values (optimiser names, booleans) become evenly spaced ticks named by the value.
  const names = [...new Set(values.map((value) => JSON.stringify(value)))].sort();
  return {
    label,
    values: values.map((value) => names.indexOf(JSON.stringify(value))),
    tickvals: names.map((_, index) => index),
    ticktext: names.map((name) => name.replace(/^"|"$/g, "")),
  };
}

/**
 * Parallel coordinates of a sweep: one axis per hyperparameter that varied, the last axis the
 * validation metric, one line per trial coloured by the metric.
 */
export function parallelCoordinatesFigure(trials: readonly SweepTrial[], metric: string): FigureSpec {
  const names = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))].sort();
  const varied = names.filter((name) => {
    const seen = new Set(trials.map((trial) => JSON.stringify(trial.params[name] ?? null)));
    return seen.size > 1;
  });
  const dimensions = varied.map((name) =>
    axis(
      name,
      trials.map((trial) => trial.params[name] ?? null),
    ),
  );
  const scores = trials.map((trial) => roundTo(trial.metric));
  dimensions.push({ label: metric, values: scores });
  const systems = [...new Set(trials.map((trial) => trial.system))];
  return {
    data: [
      {
        type: "parcoords",
        dimensions,
        line: {
          color: scores,
          colorscale: "Viridis",
          showscale: true,
          colorbar: { title: { text: metric } },
        },
      },
    ],
    layout: baseLayout(`Sweep of ${systems.join(", ")}: hyperparameters → ${metric}`, {
      margin: { l: 80, r: 80, t: 90, b: 40 },
    }),
  };
}
