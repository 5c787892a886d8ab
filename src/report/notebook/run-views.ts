import { confusionMatrix } from "../../metrics/index.js";
import type { RunRecord } from "../../tracker/types.js";
import { InputError } from "../../util/errors.js";
import type { FigureSpec } from "../figure-spec.js";
import { confusionMatrixFigure } from "../figures/confusion-matrix.js";
import { lossCurvesFigure } from "../figures/loss-curves.js";
import { formatNumber, formatParams } from "../format.js";
import type { ResultRun } from "../model/load-study.js";
import { escapeHtmlText, type MimeBundle } from "./mime-bundle.js";
import { tableBundle, type TableData } from "./table-bundle.js";

/** One thing a notebook helper shows: a figure (sent as plotly JSON) or a ready bundle. */
export type NotebookOutput = { figure: FigureSpec } | { bundle: MimeBundle };

/** Runs as a table: id, name, status, seed, params and every summary value. */
export function runsTable(runs: readonly RunRecord[]): TableData {
  const summaryKeys = [...new Set(runs.flatMap((run) => Object.keys(run.summary)))].sort();
  return {
    columns: ["id", "name", "status", "seed", "params", ...summaryKeys],
    rows: runs.map((run) => [
      run.id,
      run.name,
      run.status,
      run.seed,
      formatParams(run.params),
      ...summaryKeys.map((key) => run.summary[key]),
    ]),
  };
}

/**
 * Curves of one or two logged series per run (solid, dashed), one colour per system: the report's
 * loss-curve figure, e.g. for `["loss", "val_loss"]` or `["val_f1"]`.
 */
export function curvesView(runs: readonly ResultRun[], metrics: readonly string[]): NotebookOutput[] {
  const [solid, dashed] = metrics;
  if (solid === undefined || metrics.length > 2) {
    throw new InputError(
      `show.curves draws one or two series (solid, dashed), got ${metrics.length}: call it once per pair`,
    );
  }
  const logged = [...new Set(runs.flatMap((run) => Object.keys(run.series)))].sort();
  const missing = metrics.filter((metric) => !runs.some((run) => (run.series[metric]?.length ?? 0) > 0));
  if (missing.length > 0) {
    throw new InputError(
      `no run logged ${missing.join(", ")}; these runs logged: ${logged.join(", ") || "nothing"}`,
    );
  }
  const defaults = solid === "loss" && dashed === "val_loss";
  const figure = lossCurvesFigure(
    runs.map((run) => ({
      label: `${run.record.name} (${run.record.id})`,
      system: run.group,
      loss: run.series[solid] ?? [],
      valLoss: dashed === undefined ? [] : (run.series[dashed] ?? []),
    })),
    defaults ? {} : { names: { solid, dashed: dashed ?? "" } },
  );
  return [{ figure }];
}

function testPredictions(runs: readonly ResultRun[]) {
  return runs.flatMap((run) => run.predictions.filter((p) => p.split === "test"));
}

/** Test-set confusion matrices, one per system (predictions pooled over its runs). */
export function confusionView(runs: readonly ResultRun[]): NotebookOutput[] {
  if (testPredictions(runs).some((p) => typeof p.y_true === "number")) {
    throw new InputError("a confusion matrix is for classification runs; for regression use show.compare");
  }
  const groups = [...new Set(runs.map((run) => run.group))];
  const labels = [
    ...new Set(testPredictions(runs).flatMap((p) => [String(p.y_true), String(p.y_pred)])),
  ].sort();
  const matrices = groups.flatMap((group) => {
    const test = testPredictions(runs.filter((run) => run.group === group));
    if (test.length === 0) return [];
    const confusion = confusionMatrix(
      test.map((p) => String(p.y_true)),
      test.map((p) => String(p.y_pred)),
      labels,
    );
    return [{ name: group, confusion }];
  });
  if (matrices.length === 0) {
    throw new InputError(
      "no test predictions in these runs: a confusion matrix needs a classification run with predictions.jsonl",
    );
  }
  return [{ figure: confusionMatrixFigure(matrices, "Confusion matrices (test)") }];
}

/**
 * The documents a RAG run cited for one example (by default its first wrong test prediction): the
 * example's truth and prediction, then each citation's rank, id, label or target, score and snippet.
 */
export function citationsView(run: ResultRun, exampleId?: string, limit = 10): NotebookOutput[] {
  const cited = run.predictions.filter((p) => (p.citations ?? []).length > 0);
  if (cited.length === 0) {
    throw new InputError(
      `run ${run.record.id} (${run.record.name}) has no citations: only RAG runs cite documents`,
    );
  }
  const prediction =
    exampleId === undefined
      ? (cited.find((p) => p.split === "test" && String(p.y_true) !== String(p.y_pred)) ??
        cited.find((p) => p.split === "test") ??
        cited[0])
      : (cited.find((p) => p.id === exampleId && p.split === "test") ??
        cited.find((p) => p.id === exampleId));
  if (prediction === undefined) {
    throw new InputError(
      `run ${run.record.id} has no prediction for example "${exampleId}"; ids look like ${cited
        .slice(0, 3)
        .map((p) => p.id)
        .join(", ")}`,
    );
  }
  const heading = `${run.record.name}: ${prediction.split} example ${prediction.id}, truth ${prediction.y_true}, predicted ${prediction.y_pred}${String(prediction.y_true) === String(prediction.y_pred) ? "" : " (wrong)"}`;
  const table = tableBundle(
    {
      columns: ["rank", "cited document", "label", "score", "snippet"],
      rows: (prediction.citations ?? [])
        .slice(0, limit)
        .map((c, i) => [
          i + 1,
          c.id,
          c.label ?? (c.target === undefined ? "" : formatNumber(c.target)),
          c.score,
          c.snippet ?? "",
        ]),
    },
    { caption: heading },
  );
  return [{ bundle: table }];
}

/** A bundle of several text lines (warnings, notes) or nothing when there are none. */
export function notesBundle(lines: readonly string[]): NotebookOutput[] {
  if (lines.length === 0) return [];
  return [
    {
      bundle: {
        "text/html": `<ul class="tex2jax_ignore" style="color:#8a5a00">${lines.map((line) => `<li>${escapeHtmlText(line)}</li>`).join("")}</ul>`,
        "text/plain": lines.map((line) => `note: ${line}`).join("\n"),
      },
    },
  ];
}
