import type { Command } from "commander";
import { openRunStore } from "../tracker/store/open-run-store.js";
import { type SyncedRun, syncStores } from "../tracker/sync-stores.js";
import { InputError } from "../util/errors.js";
import { displayText } from "./ls.js";
import { action, printJson, printLine, printStatus } from "./output.js";

interface SyncFlags {
  from?: string;
  to?: string;
  json?: boolean;
}

function describe(run: SyncedRun): string | undefined {
  if (run.outcome === "copied") {
    return `copied   ${run.id}  ${displayText(run.experiment, 60)}  ${displayText(run.name, 60)}  (${run.points} points, ${run.artifacts} artifact(s))`;
  }
  if (run.outcome === "running") return `skipped  ${run.id}: still running; sync again after it ends`;
  if (run.outcome === "damaged") return `skipped  ${run.id}: damaged (${displayText(run.error, 200)})`;
  return undefined;
}

/** `expbook sync --from A --to B`: copies the ended runs of one store into another (idempotent by run id). */
export function register(program: Command): void {
  program
    .command("sync")
    .description(
      "copy ended runs and their artifacts from one store to another (runs already there are left alone)",
    )
    .requiredOption("--from <uri>", "source store: a folder, file: or postgres:// URI")
    .requiredOption("--to <uri>", "target store: a folder, file: or postgres:// URI")
    .option("--json", "machine-readable output: { from, to, copied, present, running, damaged, runs }")
    .action(
      action(async (flags: SyncFlags) => {
        if (!flags.from || !flags.to) throw new InputError("sync needs --from STORE and --to STORE");
        const from = await openRunStore(flags.from);
        const to = await openRunStore(flags.to);
        try {
          const report = await syncStores(from, to, (run) => {
            const line = describe(run);
            if (line === undefined) return;
            if (flags.json) printStatus(line);
            else printLine(line);
          });
          if (flags.json) {
            printJson(report);
            return;
          }
          const total = report.runs.length;
          const notes = [
            report.running ? `${report.running} running (skipped)` : "",
            report.damaged ? `${report.damaged} damaged (skipped)` : "",
          ].filter(Boolean);
          printStatus(
            report.copied === 0
              ? `nothing to copy: ${report.present} of ${total} run(s) of ${report.from} already in ${report.to}${notes.length ? `; ${notes.join(", ")}` : ""}`
              : `copied ${report.copied} run(s) from ${report.from} to ${report.to}; ${report.present} already there${notes.length ? `; ${notes.join(", ")}` : ""}`,
          );
        } finally {
          await from.close();
          await to.close();
        }
      }),
    );
}
