/**
 * Errors a user can fix. Each carries a one-line message that names the thing and says what to do.
 * The CLI prints the message alone and exits non-zero; any other error is a bug and prints its stack.
 */
export class ExpbookError extends Error {
  override name = "ExpbookError";
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 2;
}

/** A dataset is unknown, missing, malformed or unusable for the requested task. */
export class DatasetError extends ExpbookError {
  override name = "DatasetError";
}

/** A split cannot be made as requested (bad fractions, too few rows, missing column). */
export class SplitError extends ExpbookError {
  override name = "SplitError";
}

/** The run store cannot be opened, read or written as asked. */
export class StoreError extends ExpbookError {
  override name = "StoreError";
}

/** A study file is malformed or names something that does not exist. */
export class StudyError extends ExpbookError {
  override name = "StudyError";
}

/** Training or prediction failed for a reason the user can act on (NaN loss, missing model). */
export class ModelError extends ExpbookError {
  override name = "ModelError";
}

/** A run record (a prediction row, a study record) is malformed: the message names the file, line and field. */
export class RecordError extends ExpbookError {
  override name = "RecordError";
}

/** A command-line flag, query expression or input file is malformed. */
export class InputError extends ExpbookError {
  override name = "InputError";
}

/** An optional package that a feature needs (danfojs for frames) is not installed. */
export class DependencyError extends ExpbookError {
  override name = "DependencyError";
}

/** True when the error is one the user can fix (print its message only). */
export function isUserError(error: unknown): error is ExpbookError {
  return error instanceof ExpbookError;
}
