import { DatasetError } from "../util/errors.js";

/** How a message spells a loading option: `{ text: "col" }` in the API, `--text COL` on the command line. */
export type OptionWords = (option: string, value?: string) => string;

/** API spelling: the option as an object literal, e.g. `{ text: "col" }` or `{ features: ["a", "b"] }`. */
export const apiWords: OptionWords = (option, value) => {
  if (option === "features") return `{ features: [${value === undefined ? '"col", "col"' : value}] }`;
  if (option === "strict" || option === "allowChangedData") return `{ ${option}: true }`;
  return `{ ${option}: ${JSON.stringify(value ?? "col")} }`;
};

/**
 * An error about loading options whose message is written once and spelled for its audience: API words
 * by default, flag words when the CLI re-spells it with {@link respell}.
 */
export class DatasetOptionError extends DatasetError {
  override name = "DatasetOptionError";
  /** Builds the message with the given spelling of option names. */
  readonly render: (words: OptionWords) => string;

  constructor(render: (words: OptionWords) => string) {
    super(render(apiWords));
    this.render = render;
  }
}

/** Re-spells an option error in other words (the CLI's flags); any other error is returned as is. */
export function respell(error: unknown, words: OptionWords): unknown {
  if (!(error instanceof DatasetOptionError)) return error;
  return new DatasetError(error.render(words));
}
