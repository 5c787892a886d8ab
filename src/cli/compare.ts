import type { Command } from "commander";
import { parsePredictionRows, predictionsArtifact } from "../study/prediction-rows.js";
import { pairedComparisonTable } from "../stats/paired-comparison-table.js";
import {
  addComparisonHook,
  type Comparison,
  openTracker,
  resolveStoreDir,
  type Tracker,
} from "../tracker/index.js";
import { displayText, formatTable, formatValue } from "./ls.js";
import { action, printJson, printLine } from "./output.js";

function printComparison(comparison: Comparison): void {
  const header = ["", ...comparison.runs.map((run) => `${displayText(run.name, 20)} (${run.id.slice(-10)})`)];
  const table = (title: string, rows: { key: string; values: unknown[] }[]): void => {
    printLine(`\n${title}`);
    if (rows.length === 0) {
      printLine("  (none)");
      return;
    }
    printLine(
      formatTable([
        header,
        ...rows.map((row) => [`  ${displayText(row.key, 40)}`, ...row.values.map(formatValue)]),
      ]),
    );
  };
  table(`params that differ (${comparison.sameParams} identical)`, comparison.params);
  table("metrics", comparison.metrics);
  for (const section of comparison.sections) {
    printLine(`\n${section.title}`);
    printLine(formatTable([section.columns, ...section.rows.map((row) => row.map(formatValue))]));
  }
}

/** Adds the paired significance tests on the runs' shared test predictions to every comparison. */
function addPairedTests(tracker: Tracker): void {
  addComparisonHook(async (runs) => {
    const withPredictions = await Promise.all(
      runs
        .filter((run) => run.artifacts.includes(predictionsArtifact))
        .map(async (run) => ({
          id: run.id,
          name: run.name,
          rows: parsePredictionRows(await tracker.readArtifact(run.id, predictionsArtifact)),
          summary: run.summary,
        })),
    );
    const positive = runs
      .map((run) => run.summary.positive_label)
      .find((label): label is string => typeof label === "string");
    const table = pairedComparisonTable(withPredictions, {
      seed: 0,
      ...(positive ? { positiveLabel: positive } : {}),
    });
    return table ? [table] : [];
  });
}

/** `expbook compare RUN RUN...`: params that differ and metrics side by side (plus hook tables). */
export function register(program: Command): void {
  program
    .command("compare")
    .description("compare runs: params that differ, metrics side by side")
    .argument("<runs...>", "two or more run ids (or unique prefixes)")
    .option("--store <dir>", "run store directory (default: $EXPBOOK_STORE, else <project root>/.expbook)")
    .option("--json", "machine-readable output")
    .action(
      action(async (ids: string[], options: { store?: string; json?: boolean }) => {
        const tracker = await openTracker({ dir: resolveStoreDir(options.store) });
        addPairedTests(tracker);
        const comparison = await tracker.compare(ids);
        if (options.json) printJson(comparison);
        else printComparison(comparison);
      }),
    );
}
