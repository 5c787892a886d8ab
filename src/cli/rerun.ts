import type { Command } from "commander";
import { refreshEnv } from "../http/cached-post.js";
import { rerunRun } from "../study/rerun.js";
import { respell } from "../data/option-words.js";
import { openTracker } from "../tracker/tracker.js";
import { flagWords } from "./dataset-flags.js";
import { action, printJson, printLine, printStatus } from "./output.js";

/** `expbook rerun RUN`: re-executes a run and reports whether its metrics match exactly. */
export function register(program: Command): void {
  program
    .command("rerun")
    .description(
      "re-execute a run from its recorded config, data and seed; report whether the metrics match exactly",
    )
    .argument("<run>", "run id (or a unique prefix)")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--allow-changed-data", "rerun even if the dataset's fingerprint changed since the run")
    .option("--refresh", "http systems: ask the endpoint again instead of reusing cached answers")
    .option("--json", "machine-readable output")
    .action(
      action(
        async (
          id: string,
          flags: { store?: string; json?: boolean; allowChangedData?: boolean; refresh?: boolean },
        ) => {
          if (flags.refresh) process.env[refreshEnv] = "1";
          const tracker = await openTracker({ store: flags.store });
          try {
            const report = await rerunRun(tracker, id, {
              allowChangedData: flags.allowChangedData === true,
            }).catch((error: unknown) => {
              throw respell(error, flagWords);
            });
            if (report.dataChanged) {
              const { dataset, original, current } = report.dataChanged;
              printStatus(
                `dataset ${dataset} changed since run ${report.runId}: fingerprint ${original.slice(0, 12)} → ${current.slice(0, 12)}; rerun on the new rows (--allow-changed-data)`,
              );
            }
            if (flags.json) printJson(report);
            else {
              printLine(
                `rerun of ${report.runId} → ${report.rerunId}: ${report.identical ? "identical metrics" : "METRICS DIFFER"}`,
              );
              for (const metric of report.metrics) {
                printLine(
                  `  ${metric.equal ? "=" : "≠"} ${metric.name} ${String(metric.original)}${metric.equal ? "" : ` → ${String(metric.rerun)}`}`,
                );
              }
              if (report.changed.length > 0) {
                printLine(
                  report.identical
                    ? "changed since the original run (without affecting the metrics):"
                    : "what changed since the original run:",
                );
                for (const fact of report.changed)
                  printLine(`  ${fact.what}: ${fact.original} → ${fact.rerun}`);
              } else if (!report.identical) {
                printLine(
                  "  no recorded fact changed (commit, data, backend, versions): the difference is non-determinism; please report it",
                );
              }
            }
            if (!report.identical) process.exitCode = 1;
          } finally {
            await tracker.close();
          }
        },
      ),
    );
}
