import { hostname } from "node:os";
import type { Pool, PoolClient } from "pg";
import { StoreError } from "../../util/errors.js";

/** Where a PostgreSQL store lives, parsed from its URI, with the password kept out of every message. */
export interface PgTarget {
  /** The URI without its password (what `RunStore.uri` shows). */
  uri: string;
  /** `host:port`, as named in connection errors. */
  address: string;
  /** The URI as given (with its password), for the driver only. */
  connectionString: string;
}

/** Parses a `postgres://` / `postgresql://` URI; throws a `StoreError` (password-free) when it is malformed. */
export function parsePgUri(uri: string): PgTarget {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new StoreError(
      "the store URI is not a valid postgres:// URI; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE",
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new StoreError(`the store URI must start with postgres:// or postgresql://, got ${url.protocol}//`);
  }
  const shown = new URL(url.href);
  shown.password = "";
  const host = url.hostname || url.searchParams.get("host") || "localhost";
  return { uri: shown.href, address: `${host}:${url.port || "5432"}`, connectionString: uri };
}

/** Loads `pg` only when a PostgreSQL store is opened, so file-store users never load it. */
export async function loadPg(): Promise<typeof import("pg")> {
  const module = (await import("pg")) as typeof import("pg") & { default?: typeof import("pg") };
  return module.default ?? module;
}

const CREDENTIAL_CODES = new Set(["28P01", "28000"]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EPIPE",
]);

/** True when the error means the server cannot be reached now (down, restarting, network gone). */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 08xxx connection exceptions.
  if (code !== undefined && (code.startsWith("08") || code.startsWith("57P"))) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

/**
 * Turns a driver error into a one-line `StoreError` naming the server (never the password) and what to
 * do; errors that are not about reaching or entering the database are returned as they are.
 */
export function describePgError(target: PgTarget, error: unknown, doing: string): Error {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: string } | null)?.code;
  const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  const safeReason = reason.split(target.connectionString).join(target.uri);
  if (isConnectionLoss(error)) {
    return new StoreError(
      `cannot reach PostgreSQL at ${target.address} while ${doing} (${safeReason || code}); start the server, or fix EXPBOOK_STORE / --store`,
    );
  }
  if (code !== undefined && CREDENTIAL_CODES.has(code)) {
    return new StoreError(
      `PostgreSQL at ${target.address} refused the login (${safeReason}); fix the user or password in EXPBOOK_STORE / --store`,
    );
  }
  if (code === "3D000") {
    return new StoreError(
      `PostgreSQL at ${target.address}: ${safeReason}; create it (createdb) or fix the database name in EXPBOOK_STORE / --store`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** A pool whose idle-client errors (a server restart) are absorbed, so they never crash the process. */
export async function createPool(target: PgTarget): Promise<Pool> {
  const pg = await loadPg();
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: 8,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    application_name: `expbook ${hostname()} pid ${process.pid}`.slice(0, 63),
  });
  // An idle client whose server went away emits 'error'; the next query reconnects.
  pool.on("error", () => {});
  // A checked-out client whose server goes away emits 'error' too; its query rejects, which we handle.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

/** Runs `work` on one pooled client inside a transaction (rolled back when it throws). */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    client.release(broken ? true : undefined);
  }
}
