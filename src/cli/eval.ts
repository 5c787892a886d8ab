import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import Papa from "papaparse";
import {
  type Average,
  accuracyScore,
  medianAbsoluteError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  precisionRecallFscoreSupport,
  r2Score,
  rootMeanSquaredError,
  scoreClassification,
} from "../metrics/index.js";
import { bootstrapCI, type SliceMetric, sliceMetrics } from "../stats/index.js";
import {
  openTracker,
  readPredictionRows,
  runTag,
  summaryName,
  writePredictionRows,
} from "../tracker/index.js";
import { InputError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import { action, printJson, printLine, printStatus } from "./output.js";

interface EvalFlags {
  task?: string;
  positive?: string;
  average?: string;
  seed: string;
  resamples: string;
  json?: boolean;
  log?: boolean;
  experiment?: string;
  name?: string;
  system?: string;
  runSeed?: string;
  store?: string;
  strict?: boolean;
}

/** One scored row of a predictions file. */
interface EvalRow<T> {
  id: string;
  yTrue: T;
  yPred: T;
  slice: string | null;
}

type Metric<T> = (yTrue: T[], yPred: T[]) => number;

/** What `expbook eval --json` prints. */
interface EvalReport {
  file: string;
  task: "classification" | "regression";
  n: number;
  average?: Average;
  positiveLabel?: string;
  labels?: string[];
  metrics: Record<string, number>;
  ci: Record<string, { low: number; high: number; confidence: number; resamples: number; seed: number }>;
  perClass?: { label: string; precision: number; recall: number; f1: number; support: number }[];
  slices?: (SliceMetric & { metric: string })[];
  runId?: string;
}

/** Most bootstrap resamples: more only costs time (CIs settle long before) and memory. */
const MAX_RESAMPLES = 100_000;

/** The text of a predictions file; an unreadable one is an InputError saying what to pass (`expected`). */
function readPredictionsText(path: string, expected: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InputError(`cannot read predictions file ${path} (${code}); pass ${expected}`);
  }
}

function readPredictionsCsv(
  path: string,
  strict: boolean,
): { text: string; records: Record<string, string>[] } {
  const text = readPredictionsText(path, "a CSV with y_true,y_pred columns");
  if (text.trim() === "")
    throw new InputError(`predictions file ${path} is empty; it needs a y_true,y_pred header and rows`);
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: true,
    transformHeader: (name) => name.trim(),
  });
  // A row of only delimiters (",") holds no prediction: dropped, but never silently.
  const blank = new Set<number>();
  parsed.data.forEach((record, index) => {
    if (Object.values(record).every((value) => value === undefined || String(value).trim() === ""))
      blank.add(index);
  });
  if (blank.size > 0) {
    const rows = [...blank].slice(0, 5).map((index) => index + 1);
    const where = `${rows.join(", ")}${blank.size > 5 ? ", ..." : ""}`;
    if (strict) {
      throw new InputError(
        `predictions file ${path}: row(s) ${where} hold no values; remove them or drop --strict`,
      );
    }
    printStatus(
      `expbook: warning: predictions file ${path}: dropped ${blank.size} row(s) with no values (row(s) ${where}); --strict makes this an error`,
    );
    parsed.data = parsed.data.filter((_, index) => !blank.has(index));
    parsed.errors = parsed.errors.filter((error) => error.row === undefined || !blank.has(error.row));
  }
  const header = parsed.meta.fields ?? [];
  for (const column of ["y_true", "y_pred"]) {
    if (!header.includes(column)) {
      throw new InputError(
        `predictions file ${path} has no ${column} column (found: ${header.join(", ") || "none"}); add a header y_true,y_pred`,
      );
    }
  }
  const fieldError = parsed.errors.find((error) => error.type === "FieldMismatch");
  if (fieldError) {
    throw new InputError(`predictions file ${path}, row ${(fieldError.row ?? 0) + 1}: ${fieldError.message}`);
  }
  if (parsed.data.length === 0) throw new InputError(`predictions file ${path} has a header but no rows`);
  return { text, records: parsed.data };
}

/**
 * Reads a `predictions.jsonl` file of prediction rows (the run record format) as the CSV reader's
 * records: its test rows, with `meta.slice` as the slice. A malformed line names the file, line and field.
 */
function readPredictionsJsonl(path: string, task: "classification" | "regression") {
  const text = readPredictionsText(path, "prediction rows, one JSON object per line");
  const rows = readPredictionRows(text, path, { task }).filter((row) => row.split === "test");
  if (rows.length === 0) throw new InputError(`predictions file ${path} has no test rows ("split": "test")`);
  const records = rows.map((row) => {
    const slice = row.meta.slice;
    return {
      id: row.id,
      y_true: String(row.y_true),
      y_pred: String(row.y_pred),
      ...(slice === undefined || slice === null ? {} : { slice: String(slice) }),
    };
  });
  return { text, records };
}

function toRows<T>(
  records: Record<string, string>[],
  convert: (value: string, column: string, row: number) => T,
): EvalRow<T>[] {
  return records.map((record, i) => {
    const slice = record.slice?.trim();
    return {
      id: record.id?.trim() || String(i + 1),
      yTrue: convert(record.y_true ?? "", "y_true", i + 1),
      yPred: convert(record.y_pred ?? "", "y_pred", i + 1),
      slice: slice === undefined || slice === "" ? null : slice,
    };
  });
}

function label(path: string) {
  return (value: string, column: string, row: number): string => {
    const text = value.trim();
    if (text === "")
      throw new InputError(
        `predictions file ${path}, row ${row}: ${column} is empty; give every row a label`,
      );
    return text;
  };
}

function number(path: string) {
  return (value: string, column: string, row: number): number => {
    const text = value.trim();
    const parsed = text === "" ? Number.NaN : Number(text);
    if (!Number.isFinite(parsed)) {
      throw new InputError(
        `predictions file ${path}, row ${row}: ${column} "${value}" is not a number; regression needs numeric y_true,y_pred`,
      );
    }
    return parsed;
  };
}

function intervals<T>(
  rows: EvalRow<T>[],
  metrics: Record<string, Metric<T>>,
  seed: number,
  resamples: number,
): EvalReport["ci"] {
  const data = { yTrue: rows.map((r) => r.yTrue), yPred: rows.map((r) => r.yPred) };
  return Object.fromEntries(
    Object.entries(metrics).map(([name, metric]) => {
      const ci = bootstrapCI(data, metric, { seed, resamples });
      return [name, { low: ci.low, high: ci.high, confidence: ci.confidence, resamples, seed }];
    }),
  );
}

function slicesOf<T>(rows: EvalRow<T>[], metrics: Record<string, Metric<T>>): EvalReport["slices"] {
  if (!rows.some((row) => row.slice !== null)) return undefined;
  return Object.entries(metrics).flatMap(([name, metric]) =>
    sliceMetrics(
      rows,
      (row) => row.slice,
      (members) =>
        metric(
          members.map((r) => r.yTrue),
          members.map((r) => r.yPred),
        ),
    ).map((slice) => ({ metric: name, ...slice })),
  );
}

function evaluateClassification(
  path: string,
  records: Record<string, string>[],
  flags: EvalFlags,
  seed: number,
  resamples: number,
) {
  const rows = toRows(records, label(path));
  const yTrue = rows.map((r) => r.yTrue);
  const yPred = rows.map((r) => r.yPred);
  const labels = [...new Set([...yTrue, ...yPred])].sort();
  const positive = flags.positive;
  if (positive !== undefined && !labels.includes(positive)) {
    throw new InputError(
      `--positive "${positive}" is not a class in ${path} (classes: ${labels.join(", ")})`,
    );
  }
  const average = chooseAverage(flags.average, positive, labels);
  const options = average === "binary" ? { average, posLabel: positive } : { average, labels };
  const summary = scoreClassification(yTrue, yPred, {
    labels,
    ...(positive ? { positiveLabel: positive } : {}),
  });
  const scores = precisionRecallFscoreSupport(yTrue, yPred, options);
  // Binary F1 on a slice or resample that lacks a class: score the positive class alone, never an error.
  const f1: Metric<string> =
    average === "binary"
      ? (t, p) =>
          precisionRecallFscoreSupport(t, p, { average: "macro", labels: [positive as string] }).fscore
      : (t, p) => precisionRecallFscoreSupport(t, p, { average, labels }).fscore;
  const main: Record<string, Metric<string>> = { f1, accuracy: accuracyScore };
  const perClass = precisionRecallFscoreSupport(yTrue, yPred, { labels });
  const report: EvalReport = {
    file: path,
    task: "classification",
    n: rows.length,
    average,
    ...(positive !== undefined ? { positiveLabel: positive } : {}),
    labels,
    metrics: {
      f1: scores.fscore,
      f1_macro: summary.f1_macro,
      accuracy: summary.accuracy,
      precision: scores.precision,
      recall: scores.recall,
    },
    ci: intervals(rows, main, seed, resamples),
    perClass: perClass.labels.map((name, i) => ({
      label: name,
      precision: perClass.precision[i] as number,
      recall: perClass.recall[i] as number,
      f1: perClass.fscore[i] as number,
      support: perClass.support[i] as number,
    })),
  };
  const slices = slicesOf(rows, main);
  return { report: slices ? { ...report, slices } : report, rows };
}

function chooseAverage(flag: string | undefined, positive: string | undefined, labels: string[]): Average {
  if (flag === undefined) return positive !== undefined && labels.length === 2 ? "binary" : "macro";
  if (!["binary", "macro", "micro", "weighted"].includes(flag)) {
    throw new InputError(`--average must be binary, macro, micro or weighted, not "${flag}"`);
  }
  if (flag === "binary" && positive === undefined)
    throw new InputError("--average binary needs --positive LABEL");
  if (flag === "binary" && labels.length > 2) {
    throw new InputError(`--average binary needs two classes but the file has ${labels.length}; use macro`);
  }
  return flag as Average;
}

function evaluateRegression(
  path: string,
  records: Record<string, string>[],
  seed: number,
  resamples: number,
) {
  const rows = toRows(records, number(path));
  const yTrue = rows.map((r) => r.yTrue);
  const yPred = rows.map((r) => r.yPred);
  const main: Record<string, Metric<number>> = {
    mae: meanAbsoluteError,
    rmse: rootMeanSquaredError,
    r2: r2Score,
  };
  const report: EvalReport = {
    file: path,
    task: "regression",
    n: rows.length,
    metrics: {
      mae: meanAbsoluteError(yTrue, yPred),
      rmse: rootMeanSquaredError(yTrue, yPred),
      r2: r2Score(yTrue, yPred),
      medae: medianAbsoluteError(yTrue, yPred),
      mape: meanAbsolutePercentageError(yTrue, yPred),
    },
    ci: intervals(rows, main, seed, resamples),
  };
  const slices = slicesOf(rows, { mae: meanAbsoluteError, rmse: rootMeanSquaredError });
  return { report: slices ? { ...report, slices } : report, rows };
}

function format(value: number): string {
  return Number.isNaN(value) ? "n/a" : Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function printReport(report: EvalReport): void {
  const head = report.task === "classification" ? `, average ${report.average}` : "";
  const positive = report.positiveLabel !== undefined ? `, positive "${report.positiveLabel}"` : "";
  printLine(`${report.file}: ${report.n} examples, ${report.task}${head}${positive}`);
  for (const [name, value] of Object.entries(report.metrics)) {
    const ci = report.ci[name];
    const interval = ci
      ? `  [${format(ci.low)}, ${format(ci.high)}] ${Math.round(ci.confidence * 100)}% bootstrap CI`
      : "";
    printLine(`  ${name.padEnd(10)}${format(value)}${interval}`);
  }
  if (report.perClass) {
    printLine("\nper class    precision  recall     f1         support");
    for (const row of report.perClass) {
      printLine(
        `  ${row.label.slice(0, 10).padEnd(11)}${format(row.precision).padEnd(11)}${format(row.recall).padEnd(11)}${format(row.f1).padEnd(11)}${row.support}`,
      );
    }
  }
  if (report.slices) {
    printLine("\nslice        metric     n        value");
    for (const slice of report.slices) {
      printLine(
        `  ${slice.slice.slice(0, 10).padEnd(11)}${slice.metric.padEnd(11)}${String(slice.n).padEnd(9)}${format(slice.value)}`,
      );
    }
  }
  if (report.runId) printLine(`\nlogged run ${report.runId}`);
}

function nonNegativeInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InputError(`${flag} must be a non-negative integer, not "${value}"`);
  return parsed;
}

async function logRun(
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
        const { text, records } = /\.jsonl$/i.test(path)
          ? readPredictionsJsonl(path, flags.task)
          : readPredictionsCsv(path, flags.strict === true);
        const { report, rows } =
          flags.task === "classification"
            ? evaluateClassification(path, records, flags, seed, resamples)
            : evaluateRegression(path, records, seed, resamples);
        if (flags.log) {
          report.runId = await logRun(path, text, report, rows as EvalRow<string | number>[], flags);
          printStatus(`logged run ${report.runId} in experiment ${flags.experiment}`);
        }
        if (flags.json) printJson(report);
        else printReport(report);
      }),
    );
}
