import type { Command } from "commander";
import { InputError } from "../util/errors.js";
import { type EvalFlags, nonNegativeInteger } from "./eval/eval-flags.js";
import type { EvalRow } from "./eval/eval-report.js";
import { logEvalRun } from "./eval/log-eval-run.js";
import { printEvalReport } from "./eval/print-eval-report.js";
import { readPredictions } from "./eval/read-predictions.js";
import { evaluateClassification, evaluateRegression } from "./eval/score-predictions.js";
import { action, printJson, printStatus } from "./output.js";

/** Most bootstrap resamples: more only costs time (CIs settle long before) and memory. */
const MAX_RESAMPLES = 100_000;

/** `expbook eval PREDICTIONS.csv`: scores predictions made anywhere, with CIs and slices; `--log` records a run. */
export function register(program: Command): void {
  program
    .command("eval")
    .description(
      "score a predictions CSV (y_true,y_pred; optional id, slice) with bootstrap CIs; --log records it as a run",
    )
    .argument(
      "<predictions>",
      "CSV file with y_true,y_pred columns (optional id, slice), or a .jsonl file of prediction rows",
    )
    .requiredOption("--task <task>", "classification | regression")
    .option("--positive <label>", "positive class: F1 is binary F1 of this class when there are two classes")
    .option(
      "--average <mode>",
      "binary | macro | micro | weighted (default: binary with --positive, else macro)",
    )
    .option("--seed <n>", "seed of the bootstrap CIs", "0")
    .option("--resamples <n>", "bootstrap resamples", "1000")
    .option("--strict", "make dropped rows (rows with no values) an error instead of a warning")
    .option("--log", "record the evaluation as a run (test_* metrics, predictions.jsonl artifact)")
    .option("--experiment <name>", "experiment to log the run under (with --log)")
    .option("--name <name>", "run name (with --log; default: the file name)")
    .option(
      "--system <name>",
      "system the run is ranked as in a study report (with --log; default: the run name)",
    )
    .option(
      "--run-seed <n>",
      "seed of the study split the predictions are on (with --log): pairs the run with that seed's runs in reports",
    )
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "machine-readable output")
    .action(
      action(async (path: string, flags: EvalFlags) => {
        if (flags.task !== "classification" && flags.task !== "regression") {
          throw new InputError(`--task must be classification or regression, not "${flags.task}"`);
        }
        const seed = nonNegativeInteger("--seed", flags.seed);
        const resamples = nonNegativeInteger("--resamples", flags.resamples);
        if (resamples === 0 || resamples > MAX_RESAMPLES)
          throw new InputError(`--resamples must be from 1 to ${MAX_RESAMPLES}, not ${flags.resamples}`);
        const { text, records } = readPredictions(path, flags.task, flags.strict === true);
        const { report, rows } =
          flags.task === "classification"
            ? evaluateClassification(path, records, flags, seed, resamples)
            : evaluateRegression(path, records, seed, resamples);
        if (flags.log) {
          report.runId = await logEvalRun(path, text, report, rows as EvalRow<string | number>[], flags);
          printStatus(`logged run ${report.runId} in experiment ${flags.experiment}`);
        }
        if (flags.json) printJson(report);
        else printEvalReport(report);
      }),
    );
}
