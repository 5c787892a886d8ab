// Case 1 of issue 13: a full disk loses nothing that was acknowledged, leaves no torn line, and the
// store stays readable; finish() on a full disk never records `finished`.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { StoreError } from "../../src/util/errors.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { smallDisk } from "./fixtures/small-disk.js";

const work = tempDir("expbook-full-disk-");
const disk = smallDisk(join(work.path, "disk"));
after(() => {
  disk.cleanup();
  work.cleanup();
});

function temps(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".tmp"));
}

test(`filling the disk (${disk.kind}) mid-log and freeing it loses no acknowledged point and tears no line`, async () => {
  const store = join(disk.dir, "store");
  const tracker = await openTracker({ dir: store });
  const run = await tracker.startRun({ experiment: "full-disk", name: "filled" });
  const acknowledged: number[] = [];
  let failures = 0;
  let step = 0;
  const logBatch = (count: number) => {
    for (let i = 0; i < count; i++, step++) {
      try {
        run.log("val_loss", step / 7, step);
        acknowledged.push(step);
      } catch (error) {
        assert.ok(error instanceof StoreError, String(error));
        assert.match(error.message, /disk is full/);
        assert.doesNotMatch(error.message, /\n/);
        failures++;
        acknowledged.push(step); // a failed log still keeps its point in memory
      }
    }
  };
  logBatch(10_000);
  await run.flush();
  disk.fill();
  logBatch(30_000);
  await assert.rejects(run.flush(), (error: unknown) => error instanceof StoreError);
  disk.free();
  logBatch(5_000);
  await run.finish();
  assert.ok(failures > 0, "the full disk was noticed");

  const text = readFileSync(join(run.artifactDir, "..", "metrics.jsonl"), "utf8");
  assert.ok(text.endsWith("\n"));
  const steps = text
    .slice(0, -1)
    .split("\n")
    .map((line) => {
      const point = JSON.parse(line) as [string, number, number, number];
      assert.equal(point[0], "val_loss", line);
      assert.equal(point[2], point[1] / 7, line);
      return point[1];
    });
  assert.deepEqual(steps, acknowledged, "every point, each once, in order");
  assert.deepEqual(temps(store), []);

  const show = await runCli(["show", run.id, "--store", store]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /finished/);
  assert.match(show.stdout, /val_loss\s+45000 points/);
  const report = await runCli([
    "report",
    "--experiment",
    "full-disk",
    "--store",
    store,
    "--out",
    join(work.path, "r.html"),
  ]);
  assert.equal(report.code, 0, report.stderr);
});

test(`finish() on a full disk (${disk.kind}) throws a StoreError and the run never reads finished`, async () => {
  const store = join(disk.dir, "store2");
  const tracker = await openTracker({ dir: store });
  const run = await tracker.startRun({ experiment: "full-disk", name: "cut short" });
  for (let step = 0; step < 1000; step++) run.log("loss", step, step);
  disk.fill();
  try {
    await assert.rejects(run.finish(), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.match(error.message, /^cannot write .*disk is full/);
      return true;
    });
    await assert.rejects(tracker.close(), StoreError);
  } finally {
    disk.free();
  }
  await tracker.close(); // writes the final state that did not fit
  const [listed] = await tracker.runs({ experiment: "full-disk", where: 'name = "cut short"' });
  assert.equal(listed?.status, "failed");
  assert.match(listed?.error ?? "", /1000 metric point\(s\) not written/);
  assert.deepEqual(temps(store), []);
  const ls = await runCli(["ls", "--store", store, "--json"]);
  const [seen] = JSON.parse(ls.stdout) as { status: string }[];
  assert.equal(seen?.status, "failed");
});

test("a torn or garbled metrics line is skipped and counted; show and report still work", async () => {
  const store = join(work.path, "garbled");
  const tracker = await openTracker({ dir: store });
  const run = await tracker.startRun({ experiment: "garbled" });
  for (let step = 0; step < 10; step++) run.log("val_loss", step, step);
  await run.finish();
  const file = join(run.artifactDir, "..", "metrics.jsonl");
  const { appendFileSync } = await import("node:fs");
  appendFileSync(file, '["val_loss",52167,"Na["val_loss",60000,1,1]\n["x",1,"Inf\n{"not":"a point"}\n');
  const show = await runCli(["show", run.id, "--store", store]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /3 damaged line\(s\)/);
  const report = await runCli([
    "report",
    "--experiment",
    "garbled",
    "--store",
    store,
    "--out",
    join(work.path, "g.html"),
  ]);
  assert.equal(report.code, 0, report.stderr);
  const compare = await runCli(["compare", run.id, run.id, "--store", store]);
  assert.notEqual(compare.code, 70, compare.stderr);
});
