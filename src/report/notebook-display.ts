import type { RunRecord } from "../tracker/types.js";
import type { FigureSpec } from "./figure-spec.js";
import { runsTable } from "./notebook/run-views.js";
import { show } from "./notebook/show.js";
import { tableHtml } from "./notebook/table-bundle.js";

export { figureHtml } from "./notebook/mime-bundle.js";

/** A table of runs: id, name, status, seed, params and summary values, every cell escaped. */
export function runsTableHtml(runs: readonly RunRecord[]): string {
  return tableHtml(runsTable(runs));
}

/**
 * Displays a plotly figure in a tslab notebook as the plotly MIME bundle (same as `show.figure`).
 * @example await showFigure(lossCurvesFigure(runs))
 */
export function showFigure(spec: FigureSpec): Promise<void> {
  return show.figure(spec);
}

/** Displays runs as a table in a tslab notebook (same as `show.runs(runs)`). */
export function showRuns(runs: readonly RunRecord[]): Promise<void> {
  return show.runs(runs);
}
