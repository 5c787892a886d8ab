import { duplicateOf, jobOf } from "../tracker/records/run-tags.js";
import { openTracker } from "../tracker/tracker.js";

/**
 * The finished run of each unit of work of a study in the store, by job key: the oldest one that is not
 * tagged a duplicate (as the study runner reuses them).
 */
export async function finishedRunIds(store: string, experiment: string): Promise<Map<string, string>> {
  const tracker = await openTracker({ store });
  try {
    const runs = (await tracker.runs({ experiment })).sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
    const finished = new Map<string, string>();
    for (const run of runs) {
      const key = jobOf(run);
      if (run.status !== "finished" || key === undefined || duplicateOf(run) !== undefined) continue;
      if (!finished.has(key)) finished.set(key, run.id);
    }
    return finished;
  } finally {
    await tracker.close();
  }
}
