import type { Command } from "commander";
import { listDatasets } from "../data/load-dataset.js";
import { action, printJson, printLine } from "./output.js";

function describeOutcome(classes?: Record<string, number>, range?: { min: number; max: number }): string {
  if (classes)
    return Object.entries(classes)
      .map(([label, count]) => `${label} ${count}`)
      .join(", ");
  if (range) return `target ${range.min}..${range.max}`;
  return "";
}

/** `expbook datasets [--json]`: the built-in datasets with task, rows, classes or target range. */
export function register(program: Command): void {
  program
    .command("datasets")
    .description("list the built-in datasets with task, rows, classes or target range")
    .option("--json", "machine-readable output")
    .action(
      action(async (options: { json?: boolean }) => {
        const summaries = await listDatasets();
        if (options.json) return printJson(summaries);
        for (const summary of summaries) {
          printLine(
            `${summary.name}  (${summary.tasks.join(" | ")}, ${summary.rows} rows; ${describeOutcome(summary.classes, summary.targetRange)})`,
          );
          printLine(`  ${summary.description}`);
        }
      }),
    );
}
