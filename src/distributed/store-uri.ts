import { resolveStoreDir } from "../tracker/store-layout.js";
import { isPostgresUri } from "./queue-uri.js";

/**
 * The run store URI a distributed command uses: a `postgres://` URI as given, else the store folder
 * (`--store`, env `EXPBOOK_STORE`, else the project's `.expbook`) as an absolute path, which every
 * worker must reach at that same path (a shared folder) unless it names its own with `--store`.
 */
export function distributedStoreUri(flag: string | undefined): string {
  const chosen = flag ?? (process.env.EXPBOOK_STORE || undefined);
  return isPostgresUri(chosen) ? chosen : resolveStoreDir(chosen);
}
