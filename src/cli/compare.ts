import type { Command } from "commander";
import { type Comparison, openTracker } from "../tracker/index.js";
import { displayText, formatTable, formatValue } from "./ls.js";
import { action, printJson, printLine } from "./output.js";

/** A cell in full: strings and booleans are never clipped (`formatValue` clips at its second argument). */
function fullValue(value: unknown): string {
  return formatValue(value, Number.POSITIVE_INFINITY);
}

/** A param in full: numbers too keep every digit (a learning rate of 0.00012345 is not 0.0001235). */
function paramValue(value: unknown): string {
  return typeof value === "number" ? String(value) : fullValue(value);
}

function printComparison(comparison: Comparison): void {
  const header = ["", ...comparison.runs.map((run) => `${displayText(run.name, 20)} (${run.id.slice(-10)})`)];
  const table = (
    title: string,
    rows: { key: string; values: unknown[] }[],
    format: (value: unknown) => string,
  ): void => {
    printLine(`\n${title}`);
    if (rows.length === 0) {
      printLine("  (none)");
      return;
    }
    printLine(
      formatTable([
        header,
        ...rows.map((row) => [`  ${displayText(row.key, 40)}`, ...row.values.map((value) => format(value))]),
      ]),
    );
  };
  table(`params that differ (${comparison.sameParams} identical)`, comparison.params, paramValue);
  table("metrics", comparison.metrics, fullValue);
  for (const section of comparison.sections) {
    printLine(`\n${section.title}`);
    printLine(formatTable([section.columns, ...section.rows.map((row) => row.map(fullValue))]));
  }
}

/** `expbook compare RUN RUN...`: params that differ and metrics side by side (plus paired tests on shared test predictions). */
export function register(program: Command): void {
  program
    .command("compare")
    .description("compare runs: params that differ, metrics side by side")
    .argument("<runs...>", "two or more run ids (or unique prefixes)")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "machine-readable output")
    .action(
      action(async (ids: string[], options: { store?: string; json?: boolean }) => {
        const tracker = await openTracker({ store: options.store });
        const comparison = await tracker.compare(ids, { paired: true });
        if (options.json) printJson(comparison);
        else printComparison(comparison);
      }),
    );
}
