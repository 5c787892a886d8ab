import { basename } from "node:path";
import { openTracker, runTag, summaryName, writePredictionRows } from "../../tracker/index.js";
import { InputError } from "../../util/errors.js";
import { sha256 } from "../../util/hash.js";
import { type EvalFlags, nonNegativeInteger } from "./eval-flags.js";
import type { EvalReport, EvalRow } from "./eval-report.js";

/**
 * Records an evaluation as a finished run (`--log`): test_* summary metrics and a predictions.jsonl
 * artifact, tagged as a study's final so a study report ranks it; returns the run's id.
 */
export async function logEvalRun(
  path: string,
  text: string,
  report: EvalReport,
  rows: EvalRow<string | number>[],
  flags: EvalFlags,
): Promise<string> {
  if (!flags.experiment)
    throw new InputError("--log needs --experiment NAME (the experiment to record the run under)");
  const tracker = await openTracker({ store: flags.store });
  const name = flags.name ?? basename(path).replace(/\.(csv|jsonl)$/i, "");
  // Tagged as a study's final: a run logged into a study's experiment is ranked in its report.
  const system = flags.system ?? name;
  const run = await tracker.startRun({
    experiment: flags.experiment,
    name,
    params: {
      source: basename(path),
      task: report.task,
      ...(report.average ? { average: report.average } : {}),
      ...(report.positiveLabel !== undefined ? { positive: report.positiveLabel } : {}),
      system,
    },
    tags: { [runTag.source]: "eval", [runTag.system]: system, [runTag.stage]: "final" },
    ...(flags.runSeed !== undefined ? { seed: nonNegativeInteger("--run-seed", flags.runSeed) } : {}),
    datasetFingerprint: sha256(text),
  });
  try {
    const summary = Object.fromEntries(
      Object.entries(report.metrics).map(([name, value]) => [`test_${name}`, value]),
    );
    const binary = report.average === "binary" && report.positiveLabel !== undefined;
    run.summary({
      ...summary,
      [summaryName.nTest]: report.n,
      ...(binary ? { [summaryName.positiveLabel]: report.positiveLabel as string } : {}),
    });
    await writePredictionRows(
      run,
      rows.map((row) => ({
        split: "test",
        id: row.id,
        y_true: row.yTrue,
        y_pred: row.yPred,
        meta: row.slice === null ? {} : ({ slice: row.slice } as Record<string, string>),
      })),
      { task: report.task },
    );
    await run.finish();
  } catch (error) {
    await run.fail(error);
    throw error;
  }
  await tracker.close();
  return run.id;
}
