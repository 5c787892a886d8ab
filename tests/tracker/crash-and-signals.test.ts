import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { createRng } from "../../src/util/random.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { spawnWriter } from "./fixtures/spawn-writer.js";

/** Every file under a folder with its bytes (to prove a folder was not touched). */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else files.set(path, readFileSync(path).toString("base64"));
  };
  walk(dir);
  return files;
}

test("SIGKILL at 12 random moments: store opens, run reads crashed, flushed points kept, other runs untouched", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const bystanders: string[] = [];
    for (let i = 0; i < 2; i++) {
      const run = await tracker.startRun({ experiment: "bystander", name: `other ${i}`, params: { i } });
      for (let step = 0; step < 100; step++) run.log("loss", 1 / (step + 1));
      run.summary({ f1: 0.5 + i / 10 });
      await run.finish();
      bystanders.push(run.id);
    }
    const before = new Map(bystanders.map((id) => [id, snapshot(join(store.path, "runs", id))]));
    const indexBefore = readFileSync(join(store.path, "index.jsonl"), "utf8");
    const recordsBefore = await tracker.runs({ experiment: "bystander" });

    const rng = createRng(20261125);
    let runsChecked = 0;
    for (let kill = 0; kill < 12; kill++) {
      const writer = spawnWriter([store.path, "victim", "400000", "2000", "slow"]);
      await writer.waitFor("ready");
      await new Promise((resolve) => setTimeout(resolve, rng.int(700)));
      writer.child.kill("SIGKILL");
      const end = await writer.exited;
      const runLine = writer.lines.find((line) => line.startsWith("run "));
      const flushed = writer.lines
        .filter((line) => line.startsWith("flushed "))
        .map((line) => Number(line.slice(8)));
      const lastFlushed = flushed.length > 0 ? Math.max(...flushed) : 0;
      if (end.signal !== "SIGKILL") continue; // finished before the kill landed: nothing to check

      // The store still opens and lists; a run that became visible reads crashed with a gap-free prefix.
      const fresh = await openTracker({ dir: store.path });
      const listing = await fresh.list();
      assert.deepEqual(listing.damaged, []);
      const victims = listing.runs.filter((run) => run.experiment === "victim");
      // Earlier writers that finished before their kill landed read finished; none may read running.
      assert.ok(
        victims.every((run) => run.status === "crashed" || run.status === "finished"),
        `no victim may be stuck at running: ${victims.map((run) => `${run.id} ${run.status}`).join(", ")}`,
      );
      if (runLine === undefined) continue;
      const run = await fresh.run(runLine.slice(4));
      if (run.status === "finished") {
        // The kill landed after finish() and before the process exited: every point must be there.
        assert.equal(run.series.value?.length, 400000);
        continue;
      }
      assert.equal(run.status, "crashed");
      const points = run.series.value ?? [];
      assert.ok(points.length >= lastFlushed, `kept ${points.length} points, flushed ${lastFlushed}`);
      points.forEach((point, i) => {
        assert.equal(point.step, i);
        assert.equal(point.value, i);
      });
      runsChecked++;
    }
    assert.ok(runsChecked >= 6, `only ${runsChecked} kills hit a live run`);

    for (const id of bystanders) assert.deepEqual(snapshot(join(store.path, "runs", id)), before.get(id));
    assert.ok(
      readFileSync(join(store.path, "index.jsonl"), "utf8").startsWith(indexBefore),
      "index is append-only",
    );
    assert.deepEqual(
      await (await openTracker({ dir: store.path })).runs({ experiment: "bystander" }),
      recordsBefore,
    );

    const listed = await runCli(["ls", "--json", "--store", store.path]);
    assert.equal(listed.code, 0, listed.stderr);
    const statuses = (JSON.parse(listed.stdout) as { status: string }[]).map((entry) => entry.status);
    assert.ok(!statuses.includes("running"));
  } finally {
    store.cleanup();
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal}: buffered points are flushed, the run reads killed, the process dies of the signal`, async () => {
    const store = tempDir();
    try {
      const writer = spawnWriter([store.path, "signal", "1234", "0", "hold"]);
      const runLine = await writer.waitFor("run ");
      await writer.waitFor("logged");
      writer.child.kill(signal);
      assert.deepEqual(await writer.exited, { code: null, signal });
      const tracker = await openTracker({ dir: store.path });
      const run = await tracker.run(runLine.slice(4));
      assert.equal(run.status, "killed");
      assert.equal(run.error, `received ${signal}`);
      assert.equal(run.series.value?.length, 1234);
      assert.notEqual(run.endedAt, null);
    } finally {
      store.cleanup();
    }
  });
}

test("SIGTERM with the program's own handler: both run, the program decides how to exit", async () => {
  const store = tempDir();
  try {
    const writer = spawnWriter([store.path, "signal", "10", "0", "hold-own-handler"]);
    const runLine = await writer.waitFor("run ");
    await writer.waitFor("logged");
    writer.child.kill("SIGTERM");
    assert.deepEqual(await writer.exited, { code: 143, signal: null });
    assert.ok(writer.lines.includes("own handler ran"));
    const run = await (await openTracker({ dir: store.path })).run(runLine.slice(4));
    assert.equal(run.status, "killed");
    assert.equal(run.series.value?.length, 10);
  } finally {
    store.cleanup();
  }
});

test("a process that ends without finish(): exit code 0 reads finished, an uncaught error reads failed", async () => {
  const store = tempDir();
  try {
    const clean = spawnWriter([store.path, "exit", "300", "1000", "no-finish"]);
    const crashing = spawnWriter([store.path, "exit", "300", "1000", "throw"]);
    assert.deepEqual(await clean.exited, { code: 0, signal: null });
    assert.deepEqual(await crashing.exited, { code: 1, signal: null });
    const tracker = await openTracker({ dir: store.path });
    const cleanRun = await tracker.run((await clean.waitFor("run ")).slice(4));
    assert.equal(cleanRun.status, "finished");
    assert.equal(cleanRun.series.value?.length, 300);
    const failedRun = await tracker.run((await crashing.waitFor("run ")).slice(4));
    assert.equal(failedRun.status, "failed");
    assert.equal(failedRun.error, "process exited with code 1 before the run finished");
    assert.equal(failedRun.series.value?.length, 300);
  } finally {
    store.cleanup();
  }
});
