import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import Papa from "papaparse";
import { openTracker, resolveStoreDir, runRows } from "../tracker/index.js";
import { InputError } from "../util/errors.js";
import { action, printJson, printStatus } from "./output.js";

/** `expbook export --format csv|json [--out FILE]`: every run (or one experiment's) as a table or JSON. */
export function register(program: Command): void {
  program
    .command("export")
    .description("export runs as CSV (one row per run: params.*, summary.*, tags.*) or JSON records")
    .requiredOption("--format <format>", "csv or json")
    .option("--experiment <name>", "only runs of this experiment")
    .option("--where <expr>", "only runs matching this query")
    .option("--out <file>", "write to this file instead of stdout")
    .option("--store <dir>", "run store directory (default: $EXPBOOK_STORE, else <project root>/.expbook)")
    .option("--json", "with --out: print what was written as JSON")
    .action(
      action(
        async (options: {
          format: string;
          experiment?: string;
          where?: string;
          out?: string;
          store?: string;
          json?: boolean;
        }) => {
          if (options.format !== "csv" && options.format !== "json") {
            throw new InputError(`--format must be csv or json, got "${options.format}"`);
          }
          const tracker = await openTracker({ dir: resolveStoreDir(options.store) });
          const runs = await tracker.runs({ experiment: options.experiment, where: options.where });
          const text =
            options.format === "csv"
              ? `${Papa.unparse(runRows(runs), { newline: "\n" })}\n`
              : `${JSON.stringify(runs, null, 2)}\n`;
          if (options.out === undefined) {
            process.stdout.write(text);
            return;
          }
          writeFileSync(options.out, text);
          if (options.json) printJson({ out: options.out, format: options.format, runs: runs.length });
          else printStatus(`wrote ${runs.length} run(s) to ${options.out}`);
        },
      ),
    );
}
