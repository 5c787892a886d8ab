import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openTracker, type Run } from "../../src/tracker/index.js";
import { openRunStore } from "../../src/tracker/store/open-run-store.js";
import { StoreError } from "../../src/util/errors.js";
import { runCli, tempDir } from "../helpers/cli.js";

function blobs(store: string): string[] {
  const root = join(store, "blobs", "sha256");
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((shard) =>
    readdirSync(join(root, shard)).map((name) => join(root, shard, name)),
  );
}

test("identical artifact bytes are stored once (hard links to one blob), also files written into artifactDir; gc frees unlinked blobs", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ store: store.path });
    const kb = Buffer.alloc(100_000, 7);
    const runs: Run[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await tracker.startRun({ experiment: "dedupe" });
      await run.artifact("kb.bin", kb);
      await run.artifact("own.txt", `run ${i}`);
      writeFileSync(join(run.artifactDir, "weights.bin"), Buffer.alloc(50_000, 9));
      await run.finish();
      runs.push(run);
    }
    const inodes = (name: string) =>
      new Set(runs.map((run) => statSync(join(store.path, "runs", run.id, "artifacts", name)).ino));
    assert.equal(inodes("kb.bin").size, 1);
    assert.equal(inodes("weights.bin").size, 1);
    assert.equal(inodes("own.txt").size, 3);
    assert.equal(blobs(store.path).length, 5);
    assert.equal(await tracker.readArtifact(runs[2]!.id, "own.txt"), "run 2");
    const infos = await tracker.store.listArtifacts(runs[0]!.id);
    assert.deepEqual(
      infos.map((info) => [info.name, info.bytes]),
      [
        ["kb.bin", 100_000],
        ["own.txt", 5],
        ["weights.bin", 50_000],
      ],
    );
    assert.equal(infos[0]?.sha256, infos.find((info) => info.name === "kb.bin")?.sha256);

    // A removed run's own blob is unlinked; shared blobs stay while any run links them.
    await tracker.remove(runs[0]!.id);
    const dry = await tracker.gc({ dryRun: true });
    assert.equal(dry.orphans.filter((path) => path.includes("blobs")).length, 1);
    assert.equal(blobs(store.path).length, 5);
    await tracker.gc({ dryRun: false });
    assert.equal(blobs(store.path).length, 4);
    assert.equal((await tracker.store.getArtifact(runs[1]!.id, "kb.bin")).length, 100_000);
    for (const run of runs.slice(1)) await tracker.remove(run.id);
    const gc = await runCli(["gc", "--yes", "--store", store.path, "--json"]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.equal(blobs(store.path).length, 0);
  } finally {
    store.cleanup();
  }
});

test("putArtifact stores into an ended run and records its name; a missing artifact is a StoreError naming it", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ store: store.path });
    const run = await tracker.startRun({ experiment: "put" });
    await run.finish();
    const info = await tracker.store.putArtifact(run.id, "late note", {
      bytes: new TextEncoder().encode("hi"),
    });
    assert.equal(info.bytes, 2);
    assert.match(info.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual((await tracker.run(run.id)).artifacts, ["late note"]);
    assert.equal(await tracker.readArtifact(run.id, "late note"), "hi");
    await assert.rejects(tracker.artifactFile(run.id, "absent"), (error: Error) => {
      assert.ok(error instanceof StoreError);
      assert.match(error.message, new RegExp(`run ${run.id} has no artifact "absent"`));
      return true;
    });
  } finally {
    store.cleanup();
  }
});

test("openRunStore: a path, a file: URI and EXPBOOK_STORE open the same store; an unknown scheme is one StoreError line", async () => {
  const store = tempDir();
  try {
    const byPath = await openRunStore(store.path);
    assert.equal(byPath.kind, "file");
    assert.equal(byPath.localDir, store.path);
    const run = await byPath.startRun({ experiment: "uri" });
    await run.finish();
    const byUri = await openRunStore(`file://${store.path}`);
    assert.deepEqual(await byUri.matchIds(run.id.slice(0, 20)), [run.id]);
    const listed = await runCli(["ls", "--json"], { env: { EXPBOOK_STORE: `file:${store.path}` } });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal((JSON.parse(listed.stdout) as { id: string }[])[0]?.id, run.id);
    await assert.rejects(openRunStore("s3://bucket/runs"), (error: Error) => {
      assert.ok(error instanceof StoreError);
      assert.match(
        error.message,
        /^cannot open the store s3:\/\/bucket\/runs: unknown scheme "s3:"; give .*file:.*postgres:\/\/.*postgresql:\/\//,
      );
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
    const shown = await runCli(["ls", "--store", "s3://bucket/runs"]);
    assert.equal(shown.code, 2);
    assert.match(shown.stderr, /unknown scheme "s3:"/);
  } finally {
    store.cleanup();
  }
});

test("store.lock: held while taken (naming the holder), free after release, taken over from a dead process", async () => {
  const store = tempDir();
  try {
    const files = await openRunStore(store.path);
    const first = await files.lock("study-x");
    assert.ok("release" in first);
    const second = await files.lock("study-x");
    assert.ok("heldBy" in second);
    assert.match(second.heldBy, new RegExp(`host ${hostname()}, pid ${process.pid}`));
    await first.release();
    const third = await files.lock("study-x");
    assert.ok("release" in third);
    await third.release();

    // A lock file left by a process that has exited is taken over.
    const dead = spawnSync(process.execPath, [
      "-e",
      "process.stdout.write(String(process.pid))",
    ]).stdout.toString();
    mkdirSync(join(store.path, "locks"), { recursive: true });
    writeFileSync(
      join(store.path, "locks", "study-y.lock"),
      JSON.stringify({ host: hostname(), pid: Number(dead), pidStart: null, since: "then" }),
    );
    const taken = await files.lock("study-y");
    assert.ok("release" in taken);
    await taken.release();
  } finally {
    store.cleanup();
  }
});
