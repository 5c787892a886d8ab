import { Command, CommanderError } from "commander";
import { expbookVersion } from "../util/version.js";
import { loadCommands } from "./commands.js";
import { quietOnClosedStdout, reportError } from "./output.js";

quietOnClosedStdout();

const program = new Command();
program
  .name("expbook")
  .description(
    "Does fine-tuning beat retrieval (RAG) on your task? Measure it: seeded splits, tracked runs, CIs.",
  )
  .version(expbookVersion())
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

for (const register of await loadCommands()) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    reportError(error);
  }
}
