import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

test("expbook sync copies ended runs with series and artifacts, skips running ones, and a second sync copies nothing", async () => {
  const dir = tempDir();
  try {
    const from = join(dir.path, "a");
    const to = join(dir.path, "b");
    const source = await openTracker({ store: from });
    const first = await source.startRun({ experiment: "sync", name: "first", params: { lr: 0.1 }, seed: 1 });
    first.log("loss", 0.5);
    first.log("loss", Number.NaN);
    first.log("acc", 0.9, 3);
    first.summary({ f1: 0.75 });
    const hostile = "../../etc/passwd ☃";
    await first.artifact(hostile, "not a path");
    await first.artifact("predictions.jsonl", '{"id":"1"}\n');
    writeFileSync(join(first.artifactDir, "weights.bin"), Buffer.from([1, 2, 3, 4]));
    await first.finish();
    const second = await source.startRun({ experiment: "sync", name: "second" });
    await second.fail(new Error("boom"));
    const live = await source.startRun({ experiment: "sync", name: "live" });

    // The target as a file: URI, the source as a plain path.
    const target = pathToFileURL(to).href;
    const synced = await runCli(["sync", "--from", from, "--to", target]);
    assert.equal(synced.code, 0, synced.stderr);
    assert.match(synced.stdout, new RegExp(`copied +${first.id}`));
    assert.match(synced.stdout, new RegExp(`copied +${second.id}`));
    assert.match(synced.stdout, new RegExp(`skipped +${live.id}: still running`));
    assert.match(synced.stderr, /copied 2 run\(s\)/);

    const copy = await openTracker({ store: target });
    const copied = await copy.run(first.id);
    const original = await source.run(first.id);
    assert.equal(copied.status, "finished");
    assert.deepEqual(copied.params, original.params);
    assert.deepEqual(copied.summary, original.summary);
    assert.deepEqual(copied.series, original.series);
    assert.ok(Number.isNaN(copied.series.loss?.[1]?.value));
    assert.deepEqual([...copied.artifacts].sort(), [...original.artifacts].sort());
    assert.equal(await copy.readArtifact(first.id, hostile), "not a path");
    assert.deepEqual([...(await copy.store.getArtifact(first.id, "weights.bin"))], [1, 2, 3, 4]);
    assert.equal((await copy.run(second.id)).status, "failed");
    assert.equal((await copy.runs()).length, 2);

    const again = await runCli(["sync", "--from", from, "--to", target, "--json"]);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { copied: number; present: number; running: number };
    assert.deepEqual([report.copied, report.present, report.running], [0, 2, 1]);
    const quiet = await runCli(["sync", "--from", from, "--to", target]);
    assert.match(quiet.stderr, /nothing to copy: 2 of 3 run\(s\)/);
    assert.doesNotMatch(quiet.stdout, /copied/);

    await live.finish();
    const last = await runCli(["sync", "--from", from, "--to", to]);
    assert.equal(last.code, 0, last.stderr);
    assert.match(last.stdout, new RegExp(`copied +${live.id}`));
    assert.equal((await copy.runs()).length, 3);
  } finally {
    dir.cleanup();
  }
});

test("expbook sync names a bad store URI in one line, and refuses the same store twice", async () => {
  const dir = tempDir();
  try {
    const bad = await runCli(["sync", "--from", "mysql://u:secret@h/db", "--to", dir.path]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.match(bad.stderr, /mysql:\/\/u:\*\*\*@h\/db.*file:.*postgres:\/\//);
    assert.doesNotMatch(bad.stderr, /secret/);
    const same = await runCli(["sync", "--from", dir.path, "--to", `file:${dir.path}`]);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /same store/);
  } finally {
    dir.cleanup();
  }
});
