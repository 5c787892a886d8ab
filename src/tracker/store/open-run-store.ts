import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { StoreError } from "../../util/errors.js";
import { DEFAULT_STALE_AFTER_MS } from "../liveness.js";
import { resolveStoreDir } from "../store-layout.js";
import type { RunStore, RunStoreOptions } from "./run-store.js";

const ACCEPTED = "a folder path, file:, postgres:// or postgresql://";

/**
 * The store URI to use: an explicit one (flag or option), else env `EXPBOOK_STORE`, else the folder
 * `.expbook` in the project root (the nearest folder with `package.json` or `.git`). Plain paths come
 * back absolute (relative to the working directory).
 */
export function resolveStoreUri(flag?: string): string {
  const chosen = flag ?? process.env.EXPBOOK_STORE;
  if (chosen === undefined || chosen === "") return resolveStoreDir();
  // A plain path is made absolute here, so worker processes and later calls name the same folder.
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(chosen) || chosen.startsWith("file:")
    ? chosen
    : resolve(chosen);
}

/** The folder a `file:` URI or plain path names (relative paths against the working directory). */
function fileStoreDir(uri: string): string {
  if (uri.startsWith("file://")) {
    try {
      return fileURLToPath(uri);
    } catch (error) {
      throw new StoreError(
        `cannot open the store ${uri}: ${(error as Error).message}; write file:///absolute/path`,
      );
    }
  }
  return resolve(uri.startsWith("file:") ? uri.slice("file:".length) : uri);
}

/**
 * Opens the run store a URI names (the scheme registry): a plain path or `file:` → the file store;
 * `postgres://` / `postgresql://` → the PostgreSQL store (loaded only then, so file users never load
 * `pg`). Without a URI: env `EXPBOOK_STORE`, else `.expbook` in the project root.
 *
 * @example const store = await openRunStore("postgres://expbook@db.lab:5432/runs");
 */
export async function openRunStore(uri?: string, options: RunStoreOptions = {}): Promise<RunStore> {
  const chosen = resolveStoreUri(uri);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(chosen)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    const { openPostgresStore } = await import("../postgres/postgres-store.js");
    return openPostgresStore(chosen, options);
  }
  if (scheme !== undefined && scheme !== "file") {
    const shown = chosen.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
    throw new StoreError(`cannot open the store ${shown}: unknown scheme "${scheme}:"; give ${ACCEPTED}`);
  }
  const dir = fileStoreDir(chosen);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new StoreError(`the run store ${dir} is a file, not a directory; pass another --store`);
  }
  // The file store (about 40 modules with lowdb) loads when a store is opened, not at import.
  const { FileRunStore } = await import("../file-store/file-run-store.js");
  return new FileRunStore(dir, options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
}
