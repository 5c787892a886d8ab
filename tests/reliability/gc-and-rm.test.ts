// Cases 2 and 4 (rm of a live run) of issue 13: gc removes only the store's own abandoned temp files
// and refuses a folder that is not a store; rm refuses a live run, and a removed live run stops
// instead of coming back.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { StoreError } from "../../src/util/errors.js";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-gc-");
after(work.cleanup);

const anHourAgo = new Date(Date.now() - 3_600_000);
function oldFile(path: string, text = "x"): string {
  writeFileSync(path, text);
  utimesSync(path, anHourAgo, anHourAgo);
  return path;
}

test("gc --yes keeps a finished run's checkpoint.tmp artifact and removes only expbook's own abandoned temp files", async () => {
  const store = join(work.path, "store");
  const tracker = await openTracker({ dir: store });
  const run = await tracker.startRun({ experiment: "gc" });
  const checkpoint = await run.artifact("checkpoint.tmp", "weights");
  const direct = oldFile(join(run.artifactDir, "model.bin.4242.tmp"), "a system's own file");
  utimesSync(checkpoint, anHourAgo, anHourAgo);
  await run.finish();
  const runDir = join(run.artifactDir, "..");
  const ours = oldFile(join(runDir, ".run.json.tmp"));
  const oursAtRoot = oldFile(join(store, ".expbook-tmp-4242-index.jsonl"));
  const fresh = join(store, ".expbook-tmp-4243-index.jsonl");
  writeFileSync(fresh, "being written right now");
  const usersAtRoot = oldFile(join(store, "notes.tmp"));

  const result = await runCli(["gc", "--yes", "--store", store]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /index rebuilt: 1 run/);
  for (const kept of [checkpoint, direct, usersAtRoot, fresh]) assert.ok(existsSync(kept), `kept ${kept}`);
  for (const removed of [ours, oursAtRoot]) assert.ok(!existsSync(removed), `removed ${removed}`);
  const show = await runCli(["show", run.id, "--store", store]);
  assert.match(show.stdout, /checkpoint\.tmp/);
});

test("gc --yes refuses a folder that is not a store and deletes nothing in it", async () => {
  const folder = join(work.path, "thesis");
  mkdirSync(folder);
  const files = ["thesis-draft.tmp", "index.lock", ".expbook-tmp-1-x", "chapter1.md"];
  for (const name of files) oldFile(join(folder, name));
  const result = await runCli(["gc", "--yes", "--store", folder]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^expbook: .*thesis is not an expbook store .*--store\n$/);
  assert.deepEqual(readdirSync(folder).sort(), [...files].sort());
});

test("rm refuses a live run; with --force the live run stops with a StoreError and never recreates its folder", async () => {
  const store = join(work.path, "live");
  const tracker = await openTracker({ dir: store });
  const run = await tracker.startRun({ experiment: "live" });
  run.log("loss", 1);
  await run.flush();
  const refused = await runCli(["rm", run.id, "--yes", "--store", store]);
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    new RegExp(`run ${run.id} is still running \\(pid ${process.pid} on .*--force`),
  );
  assert.ok(existsSync(run.artifactDir));

  const forced = await runCli(["rm", run.id, "--yes", "--force", "--store", store]);
  assert.equal(forced.code, 0, forced.stderr);
  await assert.rejects(async () => {
    run.log("loss", 2);
    await run.flush();
  }, /was removed .* while it was running/);
  await assert.rejects(run.artifact("model.json", { a: 1 }), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.match(error.message, /was removed .* while it was running/);
    return true;
  });
  await assert.rejects(run.finish(), StoreError);
  assert.ok(!existsSync(join(run.artifactDir, "..")), "the run folder stays gone");
  assert.deepEqual(await tracker.runs(), []);
});
