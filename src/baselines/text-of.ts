import type { Example } from "../data/types.js";
import { ModelError } from "../util/errors.js";

/** The example's text; a ModelError naming the system when the dataset has none (tabular rows). */
export function textOf(example: Example, system: string): string {
  if (example.text === undefined) {
    throw new ModelError(`${system} needs a text dataset, but example "${example.id}" has no text`);
  }
  return example.text;
}
