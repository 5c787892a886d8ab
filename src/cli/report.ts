import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { writeReport } from "../report/index.js";
import { InputError } from "../util/errors.js";
import { action, printJson, printLine, printStatus } from "./output.js";

interface ReportFlags {
  experiment?: string;
  out?: string;
  md?: string;
  store?: string;
  json?: boolean;
}

/** The experiment a study file records its runs under: the study's name. */
function experimentOfStudyFile(path: string): string {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(
      `cannot read study file ${path} (${(error as Error).message}); pass a study JSON file`,
    );
  }
  const name = (value as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || name === "") {
    throw new InputError(`study file ${path} has no "name"; add one or pass --experiment NAME`);
  }
  return name;
}

/** `expbook report STUDY.json | --experiment E`: writes the study's self-contained HTML report. */
export function register(program: Command): void {
  program
    .command("report")
    .description(
      "write a study's self-contained HTML report (plotly inlined, opens offline) and optional Markdown",
    )
    .argument("[study]", "study file (its name is the experiment)")
    .option("--experiment <name>", "experiment to report on (instead of a study file)")
    .option("--out <file>", "HTML output path (default: reports/<experiment>.html)")
    .option("--md <file>", "also write the report's tables as Markdown")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "machine-readable output: { html, md, plots }")
    .action(
      action(async (study: string | undefined, flags: ReportFlags) => {
        if (study !== undefined && flags.experiment !== undefined) {
          throw new InputError("give a study file or --experiment, not both");
        }
        const experiment =
          flags.experiment ?? (study !== undefined ? experimentOfStudyFile(study) : undefined);
        if (experiment === undefined) throw new InputError("name a study file or pass --experiment NAME");
        printStatus(`expbook: building the report of "${experiment}"...`);
        const written = await writeReport({
          ...(flags.store !== undefined ? { store: flags.store } : {}),
          experiment,
          ...(flags.out !== undefined ? { out: flags.out } : {}),
          ...(flags.md !== undefined ? { md: flags.md } : {}),
        });
        if (flags.json) {
          printJson({ html: written.html, md: written.md, plots: written.plots, bytes: written.bytes });
          return;
        }
        printLine(written.html);
        if (written.md) printLine(written.md);
        printStatus(`expbook: ${written.plots} figure(s), ${(written.bytes / 1e6).toFixed(2)} MB`);
      }),
    );
}
