import { escapeControl } from "../util/control-characters.js";
import { isUserError } from "../util/errors.js";

export { escapeControl };

/** Writes one JSON document to stdout (the only thing `--json` commands print there). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a human-readable line to stdout (control characters escaped). */
export function printLine(text = ""): void {
  process.stdout.write(`${escapeControl(text)}\n`);
}

/** Writes a status line to stderr (progress and notes never pollute `--json` stdout). */
export function printStatus(text: string): void {
  process.stderr.write(`${escapeControl(text)}\n`);
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

// I/O errors a user causes and can fix (a wrong path, a full or read-only disk), with the remedy.
const IO_REMEDY: Record<string, string> = {
  ENOENT: "no such file or folder; check the path",
  ENOTDIR: "a part of the path is a file, not a folder; check the path",
  EISDIR: "it is a folder; give a file path",
  EEXIST: "it already exists; choose another path",
  EACCES: "permission denied; fix the permissions or choose another path",
  EPERM: "permission denied; fix the permissions or choose another path",
  EROFS: "the file system is read-only; choose a writable path",
  ENOSPC: "the disk is full; free space and try again",
  EDQUOT: "the disk quota is used up; free space and try again",
  ENAMETOOLONG: "the path is too long; choose a shorter one",
  EMFILE: "too many open files; close some programs and try again",
};

/** The one-line message of a user-caused I/O error (`cannot write out.csv: ENOENT, ...`), if it is one. */
export function ioErrorMessage(error: unknown): string | undefined {
  const { code, path, dest, syscall } = (error ?? {}) as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== "string" || !(code in IO_REMEDY)) return undefined;
  if (typeof path !== "string") return undefined;
  const verb =
    syscall?.startsWith("open") || syscall === "write" ? "cannot open" : `cannot ${syscall ?? "use"}`;
  return `${verb} ${path}${dest ? ` → ${dest}` : ""}: ${code}, ${IO_REMEDY[code]}`;
}

/** Prints an error the way `action` does and sets the exit code. */
export function reportError(error: unknown): void {
  if (isUserError(error)) {
    process.stderr.write(`expbook: ${escapeControl(error.message, true)}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  const io = ioErrorMessage(error);
  if (io !== undefined) {
    process.stderr.write(`expbook: ${escapeControl(io, true)}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`expbook: internal error (a bug; please report it)\n`);
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 70;
}

/**
 * Makes a closed stdout (`expbook ls | head -1`) end output quietly: later writes are dropped and the
 * command finishes with its own status instead of an EPIPE stack.
 */
export function quietOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
}
