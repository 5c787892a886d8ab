import type { ArtifactAccess } from "../systems/system.js";
import type { Tracker } from "../tracker/tracker.js";
import type { Run } from "../tracker/types.js";

/**
 * The artifact access a system gets for a live run: `put` stores through the run (content-addressed in
 * the store), `get` and `file` read through the tracker's store.
 */
export function runArtifacts(tracker: Tracker, run: Run): ArtifactAccess {
  return {
    put: async (name, data) => {
      if (typeof data === "string" || data instanceof Uint8Array) await run.artifact(name, data);
      else await run.artifact(name, "", { fromPath: data.fromPath });
    },
    get: (name) => tracker.store.getArtifact(run.id, name),
    file: (name) => tracker.store.artifactFile(run.id, name),
  };
}
