import { StoreError } from "../../util/errors.js";
import type { RunStore, RunStoreOptions } from "../store/run-store.js";

/**
 * Opens the PostgreSQL run store at `uri` (`postgres://user:pass@host:port/db`), applying schema
 * migrations on open. (Placeholder until the PostgreSQL store lands: replaced by the real store.)
 */
export async function openPostgresStore(uri: string, _options: RunStoreOptions = {}): Promise<RunStore> {
  throw new StoreError(`cannot open ${uri}: the PostgreSQL store is not built into this expbook yet`);
}
