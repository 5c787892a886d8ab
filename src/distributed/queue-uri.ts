import { InputError } from "../util/errors.js";

/** Env var naming the job queue's database when the run store is not a PostgreSQL store. */
export const QUEUE_ENV = "EXPBOOK_QUEUE";

const POSTGRES_SCHEME = /^postgres(ql)?:\/\//i;

/** True for a `postgres://` or `postgresql://` URI. */
export function isPostgresUri(uri: string | undefined): uri is string {
  return uri !== undefined && POSTGRES_SCHEME.test(uri);
}

/** A URI with any password replaced by `***`, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/i, "$1***@");
}

/**
 * The database of the job queue: `--queue`, else env `EXPBOOK_QUEUE`, else the run store's own database
 * when the store is a `postgres://` URI. Throws an `InputError` saying how to name one.
 *
 * @example resolveQueueUri(undefined, "postgres://lab-db/expbook") // "postgres://lab-db/expbook"
 */
export function resolveQueueUri(flag: string | undefined, store: string | undefined): string {
  const chosen = flag ?? (process.env[QUEUE_ENV] || undefined) ?? (isPostgresUri(store) ? store : undefined);
  if (chosen === undefined) {
    throw new InputError(
      `no job queue database: give --queue postgres://… or set ${QUEUE_ENV} (or use a postgres:// --store, whose database then holds the queue)`,
    );
  }
  if (!isPostgresUri(chosen)) {
    throw new InputError(
      `--queue ${chosen} is not a PostgreSQL URI; give postgres://user@host:port/database`,
    );
  }
  return chosen;
}
