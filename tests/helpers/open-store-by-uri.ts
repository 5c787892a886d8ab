import type { RunStore, RunStoreOptions } from "../../src/tracker/store/run-store.js";

/**
 * Opens a run store from a URI in a test's child process. PostgreSQL URIs open the PostgreSQL store;
 * a plain path (the file store) goes through `openRunStore` once the store registry lands.
 */
export async function openStoreByUri(uri: string, options: RunStoreOptions = {}): Promise<RunStore> {
  if (/^postgres(ql)?:\/\//.test(uri)) {
    const { openPostgresStore } = await import("../../src/tracker/postgres/postgres-store.js");
    return openPostgresStore(uri, options);
  }
  throw new Error(`openStoreByUri: no opener for ${uri} on this branch (wire openRunStore here)`);
}
