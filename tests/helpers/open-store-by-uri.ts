import { openRunStore } from "../../src/tracker/store/open-run-store.js";
import type { RunStore, RunStoreOptions } from "../../src/tracker/store/run-store.js";

/** Opens a run store from a URI in a test's child process (a folder, `file:` or `postgres://`). */
export function openStoreByUri(uri: string, options: RunStoreOptions = {}): Promise<RunStore> {
  return openRunStore(uri, options);
}
