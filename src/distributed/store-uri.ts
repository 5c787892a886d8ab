import { resolveStoreUri } from "../tracker/store/open-run-store.js";

/**
 * The run store URI a distributed command uses: `--store`, env `EXPBOOK_STORE`, else the project's
 * `.expbook`, as `resolveStoreUri` gives it (a `postgres://` URI as given; a folder as an absolute path,
 * which every worker must reach at that same path unless it names its own store with `--store`).
 */
export function distributedStoreUri(flag: string | undefined): string {
  return resolveStoreUri(flag);
}
