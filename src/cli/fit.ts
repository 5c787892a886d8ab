import type { Command } from "commander";
import { refreshEnv } from "../http/cached-post.js";
import { makeSplit } from "../data/split.js";
import { fitSystem } from "../study/fit-system.js";
import { systemKinds } from "../study/builtin-systems.js";
import { openTracker } from "../tracker/tracker.js";
import { InputError } from "../util/errors.js";
import {
  addDatasetFlags,
  addSplitFlags,
  type DatasetFlags,
  datasetOptions,
  loadDatasetForFlags,
  integerFlag,
  splitOptions,
} from "./dataset-flags.js";
import { action, printJson, printLine } from "./output.js";
import { createProgressReporter } from "./progress.js";
import { collectSet, parseSetFlags } from "./set-flags.js";

interface FitFlags extends DatasetFlags {
  dataset?: string;
  split: string;
  by?: string;
  seed: string;
  splitSeed?: string;
  train: string;
  val: string;
  test: string;
  update?: string;
  labelled?: string;
  set?: string[];
  store?: string;
  experiment?: string;
  name?: string;
  json?: boolean;
  refresh?: boolean;
}

/** `expbook fit KIND --dataset D ...`: one run of one system, logged to the store. */
export function register(program: Command): void {
  const command = program
    .command("fit")
    .description(
      `train/index one system on a split, score it on the holdout set, and log the run (${systemKinds.join(", ")})`,
    )
    .argument("<kind>", `system kind: ${systemKinds.join(" | ")}`)
    .option("--dataset <name>", "built-in dataset name or a .csv/.jsonl path")
    .option("--split-seed <n>", "seed for the split, if different")
    .option("--labelled <n>", "train on a seeded, stratified subsample of n labelled rows")
    .option("--set <key=value>", "a system param (repeatable), e.g. --set learningRate=0.01", collectSet, [])
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--experiment <name>", "experiment to log the run under (default: fit-<kind>)")
    .option("--name <name>", "run name")
    .option("--refresh", "http systems: ask the endpoint again instead of reusing cached answers")
    .option("--json", "print { runId, status, backend, summary } as JSON");
  addSplitFlags(addDatasetFlags(command), {
    strategyFlag: "split",
    seedHelp: "seed for the model and (unless --split-seed) the split",
  }).action(
    action(async (kind: string, flags: FitFlags) => {
      if (flags.refresh) process.env[refreshEnv] = "1";
      if (!flags.dataset)
        throw new InputError("fit needs --dataset NAME (see `expbook datasets`) or a .csv/.jsonl path");
      const params = parseSetFlags(flags.set ?? []);
      const seed = integerFlag("seed", flags.seed);
      const options = splitOptions({
        strategy: flags.split,
        ...(flags.by ? { by: flags.by } : {}),
        seed: flags.splitSeed ?? flags.seed,
        train: flags.train,
        val: flags.val,
        test: flags.test,
        ...(flags.update !== undefined ? { update: flags.update } : {}),
      });
      const loadOptions = datasetOptions(flags);
      const dataset = await loadDatasetForFlags(flags.dataset, loadOptions);
      const split = makeSplit(dataset, options);
      const tracker = await openTracker({ store: flags.store });
      const progress = createProgressReporter({ quiet: flags.json === true && !process.stderr.isTTY });
      try {
        const result = await fitSystem({
          kind,
          params,
          dataset,
          datasetOptions: loadOptions,
          split,
          splitOptions: options,
          seed,
          ...(flags.labelled !== undefined ? { labelled: integerFlag("labelled", flags.labelled) } : {}),
          tracker,
          experiment: flags.experiment ?? `fit-${kind}`,
          ...(flags.name ? { name: flags.name } : {}),
          progress: (event) => progress.update(kind, event),
        });
        progress.stop();
        if (flags.json) return printJson(result);
        printLine(
          `run ${result.runId} ${result.status}${result.backend ? ` (backend ${result.backend})` : ""}`,
        );
        for (const [key, value] of Object.entries(result.summary)) {
          if (key.startsWith("test_") || key.startsWith("val_"))
            printLine(`  ${key} ${typeof value === "number" ? value.toFixed(4) : value}`);
        }
      } finally {
        progress.stop();
        await tracker.close();
      }
    }),
  );
}
