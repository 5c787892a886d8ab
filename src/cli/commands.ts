import type { Command } from "commander";

/** A CLI command module: adds itself to the program. One file per command in src/cli/. */
export type RegisterCommand = (program: Command) => void;

/** Every command, in the order `expbook --help` lists them. Add one import and one entry per command. */
export async function loadCommands(): Promise<RegisterCommand[]> {
  const modules = await Promise.all([
    import("./datasets.js"),
    import("./split.js"),
    import("./ls.js"),
    import("./show.js"),
    import("./compare.js"),
    import("./export.js"),
    import("./rm.js"),
    import("./gc.js"),
    import("./fit.js"),
    import("./run.js"),
    import("./rerun.js"),
    import("./predict.js"),
    import("./eval.js"),
    import("./report.js"),
  ]);
  return modules.map((module) => module.register);
}
