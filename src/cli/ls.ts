import type { Command } from "commander";
import { openTracker } from "../tracker/index.js";
import type { DamagedRun, RunRecord } from "../tracker/types.js";
import { InputError } from "../util/errors.js";
import { action, printJson, printLine, printStatus } from "./output.js";

/** Makes a user string safe to print in one terminal cell (control characters shown escaped). */
export function displayText(text: string, max = 40): string {
  let clean = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    clean +=
      code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\u${code.toString(16).padStart(4, "0")}` : char;
  }
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Lays out rows as left-aligned columns separated by two spaces. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - [...cell].length),
        )
        .join("  "),
    )
    .join("\n");
}

/** Formats a number or other summary value compactly. */
export function formatValue(value: unknown, max = 30): string {
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (value === null || value === undefined) return "–";
  return displayText(typeof value === "string" ? value : JSON.stringify(value), max);
}

function summaryText(run: RunRecord): string {
  return Object.entries(run.summary)
    .slice(0, 4)
    .map(([key, value]) => `${displayText(key, 20)}=${formatValue(value)}`)
    .join(" ");
}

/** The JSON shape `ls --json` prints for one run. */
function listEntry(run: RunRecord): Record<string, unknown> {
  const { env: _env, ...rest } = run;
  return rest;
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 0)
    throw new InputError(`--limit must be a whole number ≥ 0, got "${text}"`);
  return limit;
}

/** `expbook ls`: lists runs (filter with --experiment / --where, order with --sort), damaged ones with their path. */
export function register(program: Command): void {
  program
    .command("ls")
    .description("list tracked runs; damaged run files are listed with their path")
    .option("--experiment <name>", "only runs of this experiment")
    .option("--where <expr>", 'filter, e.g. "params.lr < 0.01 and metrics.test_f1 > 0.9 and tags.baseline"')
    .option("--sort <key>", "sort by a field (created, name, summary.NAME, params.NAME); prefix - to reverse")
    .option("--limit <n>", "show at most n runs")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "machine-readable output")
    .action(
      action(
        async (options: {
          experiment?: string;
          where?: string;
          sort?: string;
          limit?: string;
          store?: string;
          json?: boolean;
        }) => {
          const tracker = await openTracker({ store: options.store });
          const query = {
            experiment: options.experiment,
            where: options.where,
            sort: options.sort,
            limit: parseLimit(options.limit),
          };
          const { runs, damaged } = await tracker.list(query);
          if (options.json) {
            printJson([...runs.map(listEntry), ...damaged]);
            return;
          }
          if (runs.length === 0 && damaged.length === 0) {
            printStatus(`no runs in ${tracker.uri}`);
            return;
          }
          const rows = [["ID", "EXPERIMENT", "NAME", "STATUS", "CREATED", "SUMMARY"]];
          for (const run of runs) {
            rows.push([
              run.id,
              displayText(run.experiment, 24),
              displayText(run.name, 30),
              run.status,
              run.createdAt.slice(0, 19).replace("T", " "),
              summaryText(run),
            ]);
          }
          for (const entry of damaged as DamagedRun[])
            rows.push([entry.id, "", "", "damaged", "", entry.path]);
          printLine(formatTable(rows));
          if (damaged.length > 0) {
            printStatus(
              `${damaged.length} damaged run file(s): ${damaged.map((d) => `${d.path} (${d.error})`).join("; ")}`,
            );
          }
        },
      ),
    );
}
