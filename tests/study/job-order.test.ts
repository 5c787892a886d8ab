import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadStudy, runStudy, type StudyJob } from "../../src/study/index.js";

// Jobs go to workers (local or through the queue) longest expected first. A fine-tuning run's cost
// follows its epochs: at `--quick` (1 epoch) a TF-IDF fit outlasts it, at the study's 6 epochs it is
// the longest. Recorded by an executor that runs nothing (every job fails, so the study stops there).
const dir = mkdtempSync(join(tmpdir(), "expbook-job-order-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function firstPhaseOrder(quick: boolean): Promise<string[]> {
  const loaded = await loadStudy("experiments/spam-sweep.json");
  const order: string[] = [];
  await runStudy(loaded, {
    store: join(dir, quick ? "quick" : "full"),
    seeds: 1,
    ...(quick ? { quick: true } : {}),
    executor: async (jobs: readonly StudyJob[]) => {
      order.push(...jobs.map((job) => job.kind));
      return new Map(
        jobs.map((job) => [job.key, { ok: false, message: "not run", userError: true } as const]),
      );
    },
  });
  return order;
}

test("at --quick a one-epoch fine-tuning trial goes after the TF-IDF fit; at 6 epochs before it", async () => {
  assert.deepEqual(await firstPhaseOrder(true), ["tfidf-logreg", "finetune", "finetune"]);
  const full = await firstPhaseOrder(false);
  assert.equal(full.at(-1), "tfidf-logreg");
  assert.ok(full.length > 2 && full.slice(0, -1).every((kind) => kind === "finetune"), full.join(", "));
});
