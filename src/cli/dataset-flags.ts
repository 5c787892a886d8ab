import type { Command } from "commander";
import { type LoadDatasetOptions, loadDataset } from "../data/load-dataset.js";
import { type OptionWords, respell } from "../data/option-words.js";
import type { SplitOptions } from "../data/split.js";
import type { Dataset, SplitStrategy, Task } from "../data/types.js";
import { InputError } from "../util/errors.js";

/** Flags that say how to read a dataset (shared by split, fit and other commands). */
export interface DatasetFlags {
  text?: string;
  label?: string;
  target?: string;
  features?: string;
  task?: string;
  keepHeaders?: boolean;
  id?: string;
  positive?: string;
  strict?: boolean;
}

/** Flags that say how to split it. */
export interface SplitFlags {
  strategy: string;
  by?: string;
  seed: string;
  train?: string;
  val?: string;
  test?: string;
  update?: string;
}

/** Adds --text/--label/--target/--features/--id/--positive/--task/--keep-headers/--strict. */
export function addDatasetFlags(command: Command): Command {
  return command
    .option("--text <column>", "text column of a CSV/JSONL file")
    .option("--label <column>", "class column of a CSV/JSONL file (classification)")
    .option("--target <column>", "numeric column of a CSV/JSONL file (regression)")
    .option(
      "--features <columns>",
      "comma-separated numeric feature columns (default without --text: every numeric column)",
    )
    .option("--id <column>", "id column of a CSV/JSONL file (default: id, else the row number)")
    .option("--positive <label>", "the class test_f1 is reported for (two-class tasks)")
    .option("--task <task>", "classification | regression (for datasets that support both, e.g. sotu)")
    .option("--keep-headers", "spam-assassin: keep e-mail headers in the text (they leak the label)")
    .option("--strict", "fail on non-UTF-8 bytes, duplicate headers, non-string text fields or dropped rows");
}

const flagNames: Record<string, [flag: string, placeholder: string]> = {
  text: ["--text", "COL"],
  label: ["--label", "COL"],
  target: ["--target", "COL"],
  features: ["--features", "COL,COL"],
  id: ["--id", "COL"],
  positiveLabel: ["--positive", "LABEL"],
  task: ["--task", "TASK"],
  keepHeaders: ["--keep-headers", ""],
  strict: ["--strict", ""],
  allowChangedData: ["--allow-changed-data", ""],
};

/** CLI spelling of loading options: `--text COL`, `--positive spam`, `--strict`. */
export const flagWords: OptionWords = (option, value) => {
  const [flag, placeholder] = flagNames[option] ?? [`--${option}`, "VALUE"];
  const shown = value ?? placeholder;
  return shown === "" ? flag : `${flag} ${shown}`;
};

/** Loads a dataset for a command, with errors about options spelled as flags. */
export async function loadDatasetForFlags(name: string, options: LoadDatasetOptions): Promise<Dataset> {
  try {
    return await loadDataset(name, options);
  } catch (error) {
    throw respell(error, flagWords);
  }
}

/** How a command names its split flags: `split` uses `--strategy`, `fit` uses `--split`. */
export interface SplitFlagNames {
  strategyFlag?: "strategy" | "split";
  seedHelp?: string;
}

/** Adds --strategy (or --split)/--by/--seed/--train/--val/--test/--update. */
export function addSplitFlags(command: Command, names: SplitFlagNames = {}): Command {
  return command
    .option(
      `--${names.strategyFlag ?? "strategy"} <name>`,
      "random | stratified | temporal | group",
      "stratified",
    )
    .option("--by <column>", "time column (temporal) or group column (group)")
    .option("--seed <n>", names.seedHelp ?? "split seed", "1")
    .option("--train <fraction>", "train fraction", "0.7")
    .option("--val <fraction>", "validation fraction", "0.15")
    .option("--test <fraction>", "test fraction", "0.15")
    .option(
      "--update <fraction>",
      "temporal only: share of the test period held out as knowledge-base updates",
    );
}

/** Parses a number flag or throws an InputError naming the flag. */
export function numberFlag(name: string, value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number))
    throw new InputError(`--${name} ${JSON.stringify(value)} is not a number`);
  return number;
}

/** Parses an integer flag or throws an InputError naming the flag. */
export function integerFlag(name: string, value: string): number {
  const number = numberFlag(name, value);
  if (!Number.isInteger(number)) throw new InputError(`--${name} ${value} must be a whole number`);
  return number;
}

/** Converts dataset flags into loader options. */
export function datasetOptions(flags: DatasetFlags): LoadDatasetOptions {
  if (flags.task !== undefined && flags.task !== "classification" && flags.task !== "regression") {
    throw new InputError(`--task ${flags.task} is not classification or regression`);
  }
  return {
    ...(flags.text ? { text: flags.text } : {}),
    ...(flags.label ? { label: flags.label } : {}),
    ...(flags.target ? { target: flags.target } : {}),
    ...(flags.features ? { features: flags.features.split(",").map((name) => name.trim()) } : {}),
    ...(flags.id ? { id: flags.id } : {}),
    ...(flags.positive ? { positiveLabel: flags.positive } : {}),
    ...(flags.task ? { task: flags.task as Task } : {}),
    ...(flags.keepHeaders ? { keepHeaders: true } : {}),
    ...(flags.strict ? { strict: true } : {}),
  };
}

const strategies: readonly SplitStrategy[] = ["random", "stratified", "temporal", "group"];

/** Converts split flags into split options. */
export function splitOptions(flags: SplitFlags): SplitOptions {
  if (!strategies.includes(flags.strategy as SplitStrategy)) {
    throw new InputError(`--strategy ${flags.strategy} is unknown; use ${strategies.join(", ")}`);
  }
  return {
    strategy: flags.strategy as SplitStrategy,
    seed: integerFlag("seed", flags.seed),
    ...(flags.by ? { by: flags.by } : {}),
    fractions: {
      train: numberFlag("train", flags.train ?? "0.7"),
      val: numberFlag("val", flags.val ?? "0.15"),
      test: numberFlag("test", flags.test ?? "0.15"),
    },
    ...(flags.update !== undefined ? { update: numberFlag("update", flags.update) } : {}),
  };
}
