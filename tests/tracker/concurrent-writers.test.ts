import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { tempDir } from "../helpers/cli.js";
import { spawnWriter } from "./fixtures/spawn-writer.js";

test("4 processes × 25,000 points to one store: every point readable, every index entry kept", async () => {
  const store = tempDir();
  try {
    // Opened before the writers start: a tracker must not serve a stale picture afterwards.
    const tracker = await openTracker({ dir: store.path });
    assert.deepEqual(await tracker.runs(), []);
    const writers = Array.from({ length: 4 }, () =>
      spawnWriter([store.path, "concurrent", "25000", "5000", "finish"]),
    );
    const ends = await Promise.all(writers.map((writer) => writer.exited));
    for (const end of ends) assert.deepEqual(end, { code: 0, signal: null });

    const runs = await tracker.runs({ experiment: "concurrent" });
    assert.equal(runs.length, 4);
    for (const record of runs) {
      assert.equal(record.status, "finished");
      const run = await tracker.run(record.id);
      const points = run.series.value ?? [];
      assert.equal(points.length, 25_000);
      points.forEach((point, i) => {
        assert.equal(point.step, i);
        assert.equal(point.value, i);
      });
    }

    // Each process appended its own index lines; none may be lost or torn.
    const lines = readFileSync(join(store.path, "index.jsonl"), "utf8").trimEnd().split("\n");
    const latest = new Map<string, string>();
    for (const line of lines) {
      const entry = JSON.parse(line) as { id: string; record: { status: string } };
      latest.set(entry.id, entry.record.status);
    }
    assert.deepEqual([...latest.entries()].sort(), runs.map((run) => [run.id, "finished"]).sort());
  } finally {
    store.cleanup();
  }
});
