import type { Command } from "commander";

/** A CLI command module: adds itself to the program. One file per command in src/cli/. */
export type RegisterCommand = (program: Command) => void;

type CommandModule = () => Promise<{ register: RegisterCommand }>;

/** Every command, in the order `expbook --help` lists them: one entry per file in src/cli/. */
const commandModules: Record<string, CommandModule> = {
  datasets: () => import("./datasets.js"),
  split: () => import("./split.js"),
  fit: () => import("./fit.js"),
  run: () => import("./run.js"),
  rerun: () => import("./rerun.js"),
  predict: () => import("./predict.js"),
  eval: () => import("./eval.js"),
  ls: () => import("./ls.js"),
  show: () => import("./show.js"),
  compare: () => import("./compare.js"),
  export: () => import("./export.js"),
  rm: () => import("./rm.js"),
  gc: () => import("./gc.js"),
  report: () => import("./report.js"),
  serve: () => import("./serve.js"),
  feedback: () => import("./feedback.js"),
  sync: () => import("./sync.js"),
  worker: () => import("./worker.js"),
  status: () => import("./status.js"),
};

/**
 * The commands to register for this command line. Only the named command's module is loaded (so
 * `expbook ls` does not pay for TensorFlow.js or plotly); help, a version flag or an unknown command
 * loads them all so that commander can list them.
 */
export async function loadCommands(
  argv: readonly string[] = process.argv.slice(2),
): Promise<RegisterCommand[]> {
  const name = argv.find((arg) => !arg.startsWith("-"));
  const only = name !== undefined && Object.hasOwn(commandModules, name) ? commandModules[name] : undefined;
  const modules = await Promise.all(only ? [only()] : Object.values(commandModules).map((load) => load()));
  return modules.map((module) => module.register);
}
