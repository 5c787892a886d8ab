import { loadavg } from "node:os";

/** Prints one line of a benchmark's output. */
export const line = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** The 1, 5 and 15 minute load averages, for printing beside every figure. */
export const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
