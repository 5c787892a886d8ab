import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import Papa from "papaparse";
import { openTracker, runRows } from "../tracker/index.js";
import { InputError } from "../util/errors.js";
import { action, printJson, printStatus } from "./output.js";

// OWASP's rule against CSV injection: a cell a spreadsheet would read as a formula gets a leading '.
// (papaparse's own `escapeFormulae: true` pattern misses a formula followed by a newline.)
const FORMULA_START = /^[=+\-@\t\r]/;

/** `expbook export --format csv|json [--out FILE]`: every run (or one experiment's) as a table or JSON. */
export function register(program: Command): void {
  program
    .command("export")
    .description("export runs as CSV (one row per run: params.*, summary.*, tags.*) or JSON records")
    .requiredOption("--format <format>", "csv or json")
    .option("--experiment <name>", "only runs of this experiment")
    .option("--where <expr>", "only runs matching this query")
    .option("--out <file>", "write to this file instead of stdout")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "with --out: print what was written as JSON")
    .option(
      "--no-escape-formulas",
      "CSV: write cells starting with = + - @ tab or CR as they are (by default they get a leading ' so spreadsheets do not run them)",
    )
    .action(
      action(
        async (options: {
          format: string;
          experiment?: string;
          where?: string;
          out?: string;
          store?: string;
          json?: boolean;
          escapeFormulas?: boolean;
        }) => {
          if (options.format !== "csv" && options.format !== "json") {
            throw new InputError(`--format must be csv or json, got "${options.format}"`);
          }
          const tracker = await openTracker({ store: options.store });
          const runs = await tracker.runs({ experiment: options.experiment, where: options.where });
          const text =
            options.format === "csv"
              ? `${Papa.unparse(runRows(runs), {
                  newline: "\n",
                  escapeFormulae: options.escapeFormulas === false ? false : FORMULA_START,
                })}\n`
              : `${JSON.stringify(runs, null, 2)}\n`;
          if (options.out === undefined) {
            process.stdout.write(text);
            return;
          }
          try {
            writeFileSync(options.out, text);
          } catch (error) {
            throw new InputError(
              `cannot write --out ${options.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a file path in an existing, writable folder`,
            );
          }
          if (options.json) printJson({ out: options.out, format: options.format, runs: runs.length });
          else printStatus(`wrote ${runs.length} run(s) to ${options.out}`);
        },
      ),
    );
}
