import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { openTracker } from "../tracker/index.js";
import { InputError } from "../util/errors.js";
import { action, printJson, printStatus } from "./output.js";

/** Asks a yes/no question on the terminal (default no). */
export async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** `expbook rm RUN... [--yes]`: deletes runs (asks on a terminal; without one, needs --yes). */
export function register(program: Command): void {
  program
    .command("rm")
    .description("delete runs (asks for confirmation unless --yes)")
    .argument("<runs...>", "run ids (or unique prefixes)")
    .option("--yes", "do not ask")
    .option("--force", "also remove runs that are still running (their process stops with an error)")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "machine-readable output")
    .action(
      action(
        async (
          ids: string[],
          options: { yes?: boolean; force?: boolean; store?: string; json?: boolean },
        ) => {
          const tracker = await openTracker({ store: options.store });
          const resolved = [...new Set(await Promise.all(ids.map((id) => tracker.resolveId(id))))];
          if (!options.yes) {
            if (!process.stdin.isTTY) {
              throw new InputError(
                `refusing to remove ${resolved.length} run(s) without confirmation (no terminal to ask on); pass --yes`,
              );
            }
            if (!(await confirm(`Remove ${resolved.length} run(s): ${resolved.join(", ")}?`))) {
              printStatus("nothing removed");
              if (options.json) printJson({ removed: [] });
              return;
            }
          }
          for (const id of resolved) {
            await tracker.remove(id, { force: options.force === true });
            printStatus(`removed ${id}`);
          }
          if (options.json) printJson({ removed: resolved });
        },
      ),
    );
}
