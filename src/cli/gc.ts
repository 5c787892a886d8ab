import type { Command } from "commander";
import { openTracker } from "../tracker/index.js";
import { action, printJson, printLine, printStatus } from "./output.js";
import { confirm } from "./rm.js";

/** `expbook gc [--yes]`: removes orphaned files and rebuilds the index; without --yes, only reports. */
export function register(program: Command): void {
  program
    .command("gc")
    .description("remove orphaned files (abandoned temp files and folders) and rebuild the run index")
    .option("--yes", "remove without asking (without it and without a terminal: report only)")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "machine-readable output")
    .action(
      action(async (options: { yes?: boolean; store?: string; json?: boolean }) => {
        const tracker = await openTracker({ store: options.store });
        let report = await tracker.gc({ dryRun: true });
        let apply = options.yes === true;
        if (!apply && process.stdin.isTTY && !options.json) {
          for (const path of report.orphans) printLine(`orphan  ${path}`);
          apply = await confirm(`Remove ${report.orphans.length} orphan(s) and rebuild the index?`);
        }
        if (apply) report = await tracker.gc({ dryRun: false });
        if (options.json) {
          printJson(report);
          return;
        }
        for (const path of report.orphans) printLine(`${apply ? "removed" : "would remove"}  ${path}`);
        for (const path of report.unknown) printLine(`unknown (left alone)  ${path}`);
        for (const entry of report.damaged) printLine(`damaged (left alone)  ${entry.path}  ${entry.error}`);
        printStatus(
          !apply
            ? `dry run: pass --yes to remove ${report.orphans.length} orphan(s) and rebuild the index`
            : report.indexRebuilt
              ? `index rebuilt: ${report.indexedRuns} run(s) (was ${report.indexLinesBefore} line(s))`
              : `index not rebuilt: another expbook process holds ${tracker.uri}/index.lock; run gc again later`,
        );
      }),
    );
}
