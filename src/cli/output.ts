import { isUserError } from "../util/errors.js";

/** Writes one JSON document to stdout (the only thing `--json` commands print there). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a human-readable line to stdout. */
export function printLine(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a status line to stderr (progress and notes never pollute `--json` stdout). */
export function printStatus(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * Wraps a command action: user errors print one line `expbook: <message>` and exit with their code;
 * anything else is a bug and prints its stack.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      reportError(error);
    }
  };
}

/** Prints an error the way `action` does and sets the exit code. */
export function reportError(error: unknown): void {
  if (isUserError(error)) {
    process.stderr.write(`expbook: ${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  process.stderr.write(`expbook: internal error (a bug; please report it)\n`);
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 70;
}
