import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

test("a truncated run file is listed by `expbook ls` as damaged with its path; the rest lists; nothing is overwritten", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) {
      const run = await tracker.startRun({ experiment: "dmg", name });
      run.log("loss", 1);
      await run.finish();
      ids.push(run.id);
    }
    // Listed once so the index caches the intact file; the damage must still be noticed.
    assert.equal((await tracker.runs()).length, 3);
    const victim = ids[1] as string;
    const runFile = join(store.path, "runs", victim, "run.json");
    const intact = readFileSync(runFile);
    const truncated = intact.subarray(0, Math.floor(intact.length / 2));
    writeFileSync(runFile, truncated);

    const listed = await runCli(["ls", "--json", "--store", store.path]);
    assert.equal(listed.code, 0, listed.stderr);
    const entries = JSON.parse(listed.stdout) as {
      id: string;
      status: string;
      path?: string;
      name?: string;
    }[];
    assert.deepEqual(
      entries.filter((entry) => entry.status !== "damaged").map((entry) => entry.name),
      ["a", "c"],
    );
    const damaged = entries.filter((entry) => entry.status === "damaged");
    assert.deepEqual(
      damaged.map((entry) => [entry.id, entry.path]),
      [[victim, runFile]],
    );

    const human = await runCli(["ls", "--store", store.path]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`${victim}\\s+damaged\\s+${runFile.replaceAll("/", "\\/")}`));

    const shown = await runCli(["show", victim, "--store", store.path]);
    assert.equal(shown.code, 2);
    assert.match(shown.stderr, /^expbook: run .* is damaged: .*run\.json/);

    const gc = await runCli(["gc", "--yes", "--json", "--store", store.path]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.deepEqual(
      (JSON.parse(gc.stdout) as { damaged: { path: string }[] }).damaged.map((d) => d.path),
      [runFile],
    );
    assert.deepEqual(readFileSync(runFile), truncated, "the damaged file is never rewritten");
  } finally {
    store.cleanup();
  }
});

test("a metrics file cut mid-line loses only the cut line", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const run = await tracker.startRun({ experiment: "cut" });
    for (let i = 0; i < 50; i++) run.log("loss", i);
    await run.finish();
    appendFileSync(join(store.path, "runs", run.id, "metrics.jsonl"), '["loss",50,0.');
    const loaded = await tracker.run(run.id);
    assert.deepEqual(
      loaded.series.loss?.map((point) => point.value),
      Array.from({ length: 50 }, (_, i) => i),
    );
  } finally {
    store.cleanup();
  }
});

test("the index is only a cache: deleted or stale, listings still show every run as on disk", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const run = await tracker.startRun({ experiment: "idx", name: "first" });
    run.summary({ f1: 0.5 });
    await run.finish();
    writeFileSync(join(store.path, "index.jsonl"), "");
    assert.deepEqual(
      (await tracker.runs()).map((r) => [r.name, r.summary.f1]),
      [["first", 0.5]],
    );
    writeFileSync(join(store.path, "index.jsonl"), '{"id": "torn li');
    assert.equal((await tracker.runs()).length, 1);
    const gc = await tracker.gc();
    assert.equal(gc.indexedRuns, 1);
    assert.equal(readFileSync(join(store.path, "index.jsonl"), "utf8").trimEnd().split("\n").length, 1);
  } finally {
    store.cleanup();
  }
});
