import type { Command } from "commander";
import { makeSplit } from "../data/split.js";
import { writeSplit } from "../data/write-split.js";
import { InputError } from "../util/errors.js";
import {
  addDatasetFlags,
  addSplitFlags,
  type DatasetFlags,
  datasetOptions,
  loadDatasetForFlags,
  type SplitFlags,
  splitOptions,
} from "./dataset-flags.js";
import { action, printJson, printLine } from "./output.js";

interface SplitCommandFlags extends DatasetFlags, SplitFlags {
  out?: string;
  json?: boolean;
}

/** `expbook split DATASET --strategy ... --out DIR`: writes train/val/test JSONL and split.json. */
export function register(program: Command): void {
  const command = program
    .command("split")
    .description("make a seeded, fingerprinted train/validation/test split and write it as JSONL")
    .argument("<dataset>", "built-in dataset name or a .csv/.jsonl path")
    .option("--out <dir>", "folder to write train.jsonl, val.jsonl, test.jsonl and split.json")
    .option("--json", "machine-readable output");
  addSplitFlags(addDatasetFlags(command)).action(
    action(async (name: string, flags: SplitCommandFlags) => {
      if (!flags.out) throw new InputError("split needs --out DIR, the folder to write the split to");
      const options = splitOptions(flags);
      const dataset = await loadDatasetForFlags(name, datasetOptions(flags));
      const split = makeSplit(dataset, options);
      const files = writeSplit(split, flags.out);
      if (flags.json) return printJson({ ...split.info, files });
      const { sizes } = split.info;
      printLine(
        `${dataset.name}: ${options.strategy} split, seed ${options.seed}: train ${sizes.train}, val ${sizes.val}, test ${sizes.test}${sizes.update ? `, update ${sizes.update}` : ""}`,
      );
      printLine(`identical-text groups kept together: ${split.info.duplicateTextGroups}`);
      printLine(`split fingerprint ${split.info.fingerprints.split}`);
      printLine(`wrote ${files.length} files to ${flags.out}`);
    }),
  );
}
