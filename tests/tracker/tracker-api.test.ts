import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { newRunId, openTracker } from "../../src/tracker/index.js";
import { InputError, StoreError } from "../../src/util/errors.js";
import { expbookVersion } from "../../src/util/version.js";
import { runCli, tempDir } from "../helpers/cli.js";

test("run ids sort by creation time and are unique", () => {
  const ids = Array.from({ length: 2000 }, () => newRunId());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^\d{8}-\d{6}-\d{3}-[0-9a-f]{10}$/);
});

test("startRun records the environment without being asked; logging, summary, tags, artifacts read back", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const run = await tracker.startRun({
      experiment: "api",
      name: "first",
      params: { lr: 0.01, layers: [64, 32] },
      seed: 42,
      datasetFingerprint: "d1",
      splitFingerprint: "s1",
      env: { backend: "wasm", tfjsVersion: "4.22.0" },
    });
    run.log("loss", 0.9);
    run.log("loss", 0.5);
    run.logMany({ acc: 0.7, loss: 0.4 }, 10);
    run.log("loss", Number.NaN);
    run.summary({ test_f1: 0.8 });
    run.tag({ baseline: true });
    run.note("hello");
    await run.artifact("config", { lr: 0.01 });
    await run.finish();
    await assert.rejects(async () => run.log("loss", 1), StoreError);

    const loaded = await tracker.run(run.id);
    assert.deepEqual(
      loaded.series.loss?.map((p) => [p.step, p.value]),
      [
        [0, 0.9],
        [1, 0.5],
        [10, 0.4],
        [11, Number.NaN],
      ],
    );
    assert.deepEqual(
      loaded.series.acc?.map((p) => [p.step, p.value]),
      [[10, 0.7]],
    );
    assert.equal(loaded.status, "finished");
    assert.equal(loaded.seed, 42);
    assert.deepEqual(loaded.summary, { test_f1: 0.8 });
    assert.deepEqual(loaded.tags, { baseline: true });
    assert.equal(loaded.note, "hello");
    assert.equal(loaded.datasetFingerprint, "d1");
    assert.deepEqual(JSON.parse(await tracker.readArtifact(run.id, "config")), { lr: 0.01 });
    const env = loaded.env;
    assert.equal(env.node, process.version);
    assert.equal(env.expbookVersion, expbookVersion());
    assert.equal(env.backend, "wasm");
    assert.equal(env.tfjsVersion, "4.22.0");
    assert.equal(env.pid, process.pid);
    assert.match(env.gitCommit ?? "", /^[0-9a-f]{40}$/);
    assert.equal(typeof env.gitDirty, "boolean");
    assert.deepEqual(env.command, process.argv);
    assert.ok(env.os.length > 0 && env.cpu.length > 0);
  } finally {
    store.cleanup();
  }
});

test("unique id prefixes resolve; ambiguous and unknown ones are named errors", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const a = await tracker.startRun({ experiment: "p" });
    const b = await tracker.startRun({ experiment: "p" });
    await a.finish();
    await b.finish();
    assert.equal((await tracker.run(a.id.slice(0, 27))).id, a.id);
    assert.equal((await tracker.run(b.id.slice(0, 28))).id, b.id);
    await assert.rejects(tracker.resolveId("2"), InputError);
    await assert.rejects(tracker.resolveId("nope"), StoreError);
    await assert.rejects(tracker.resolveId("../runs"), StoreError);
  } finally {
    store.cleanup();
  }
});

test("a running run whose process is gone or whose heartbeat went stale reads crashed", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path, staleAfterMs: 60_000 });
    const live = await tracker.startRun({ experiment: "beat" });
    assert.equal((await tracker.run(live.id)).status, "running");
    // Forge two runs from elsewhere: a dead pid on this host, and a silent run on another host.
    const runFile = join(store.path, "runs", live.id, "run.json");
    const original = JSON.parse(readFileSync(runFile, "utf8"));
    const forge = (suffix: string, env: object, beatAgeMs: number): string => {
      const id = `${live.id.slice(0, -10)}${suffix}`;
      mkdirSync(join(store.path, "runs", id));
      writeFileSync(
        join(store.path, "runs", id, "run.json"),
        JSON.stringify({ ...original, id, env: { ...original.env, ...env } }),
      );
      writeFileSync(join(store.path, "runs", id, "heartbeat"), "");
      const at = new Date(Date.now() - beatAgeMs);
      utimesSync(join(store.path, "runs", id, "heartbeat"), at, at);
      return id;
    };
    const deadPid = forge("00000000a1", { pid: 2 ** 22 + 12345 }, 0);
    const otherHostStale = forge("00000000b2", { hostname: "elsewhere", pid: 1 }, 120_000);
    const otherHostFresh = forge("00000000c3", { hostname: "elsewhere", pid: 1 }, 1_000);
    const statuses = Object.fromEntries((await tracker.runs()).map((run) => [run.id, run.status]));
    assert.deepEqual(statuses, {
      [live.id]: "running",
      [deadPid]: "crashed",
      [otherHostStale]: "crashed",
      [otherHostFresh]: "running",
    });
    await live.finish();
  } finally {
    store.cleanup();
  }
});

test("compare: params that differ, metrics side by side, and tables from hooks", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const ids: string[] = [];
    for (const lr of [0.1, 0.01]) {
      const run = await tracker.startRun({
        experiment: "cmp",
        params: { lr, epochs: 3, opt: { name: "adam" } },
      });
      run.log("loss", lr * 2);
      run.summary({ f1: lr * 5 });
      await run.finish();
      ids.push(run.id);
    }
    {
      const comparison = await tracker.compare(ids);
      assert.deepEqual(comparison.params, [{ key: "lr", values: [0.1, 0.01] }]);
      assert.equal(comparison.sameParams, 2);
      assert.deepEqual(comparison.metrics, [
        { key: "f1", values: [0.5, 0.05] },
        { key: "loss", values: [0.2, 0.02] },
      ]);
      // Without predictions there is nothing to pair, even when paired tests are asked for.
      assert.deepEqual(comparison.sections, []);
      assert.deepEqual((await tracker.compare(ids, { paired: true })).sections, []);
      const cli = await runCli(["compare", ...ids, "--json", "--store", store.path]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.deepEqual(JSON.parse(cli.stdout).params, comparison.params);
    }
    await assert.rejects(tracker.compare([ids[0] as string]), InputError);
  } finally {
    store.cleanup();
  }
});

test("CLI: ls filters and sorts, export writes CSV, rm needs --yes without a terminal, gc clears orphans", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    for (const [name, f1] of [
      ["low", 0.5],
      ["high", 0.9],
      ["mid", 0.7],
    ] as const) {
      const run = await tracker.startRun({
        experiment: name === "mid" ? "other" : "cli",
        name,
        params: { f1 },
      });
      run.summary({ f1 });
      await run.finish();
    }
    const ls = await runCli([
      "ls",
      "--json",
      "--where",
      "metrics.f1 > 0.6",
      "--sort",
      "-summary.f1",
      "--store",
      store.path,
    ]);
    assert.equal(ls.code, 0, ls.stderr);
    const listed = JSON.parse(ls.stdout) as {
      id: string;
      name: string;
      status: string;
      experiment: string;
      summary: object;
    }[];
    assert.deepEqual(
      listed.map((run) => [run.name, run.experiment, run.status, run.summary]),
      [
        ["high", "cli", "finished", { f1: 0.9 }],
        ["mid", "other", "finished", { f1: 0.7 }],
      ],
    );
    const bad = await runCli(["ls", "--where", "metrics.f1 >", "--store", store.path]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^expbook: unexpected end of query at column 13/);

    const csvPath = join(store.path, "runs.csv");
    const exported = await runCli([
      "export",
      "--experiment",
      "cli",
      "--format",
      "csv",
      "--out",
      csvPath,
      "--store",
      store.path,
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    const csv = readFileSync(csvPath, "utf8").trimEnd().split("\n");
    assert.equal(csv.length, 3);
    assert.match(csv[0] ?? "", /^id,experiment,name,status,createdAt,endedAt,seed,params\.f1,summary\.f1$/);

    const target = listed[0]?.id as string;
    const refused = await runCli(["rm", target, "--store", store.path]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refusing to remove 1 run\(s\) without confirmation .* pass --yes/);
    assert.equal((await tracker.runs()).length, 3);
    const removed = await runCli(["rm", target.slice(0, 26), "--yes", "--json", "--store", store.path]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(removed.stdout), { removed: [target] });
    assert.deepEqual(
      (await tracker.runs()).map((run) => run.name),
      ["low", "mid"],
    );

    // Orphans: a staging folder abandoned by a crash long ago, a lowdb temp file; an unknown file stays.
    const staging = join(store.path, "runs", ".staging-20200101-000000-000-0000000000");
    mkdirSync(staging);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(staging, old, old);
    const someRun = (await tracker.runs())[0]?.id as string;
    const temp = join(store.path, "runs", someRun, ".run.json.tmp");
    writeFileSync(temp, "{");
    utimesSync(temp, old, old); // a temp file is an orphan only once it is older than the grace period
    writeFileSync(join(store.path, "runs", "notes.txt"), "mine");
    const dry = await runCli(["gc", "--json", "--store", store.path]);
    assert.equal(dry.code, 0, dry.stderr);
    const dryReport = JSON.parse(dry.stdout) as { orphans: string[]; unknown: string[]; dryRun: boolean };
    assert.deepEqual([...dryReport.orphans].sort(), [staging, temp].sort());
    assert.equal(dryReport.dryRun, true);
    assert.ok(readdirSync(join(store.path, "runs")).includes(".staging-20200101-000000-000-0000000000"));
    const gc = await runCli(["gc", "--yes", "--json", "--store", store.path]);
    assert.equal(gc.code, 0, gc.stderr);
    assert.deepEqual(
      readdirSync(join(store.path, "runs")).sort(),
      [...(await tracker.runs()).map((run) => run.id), "notes.txt"].sort(),
    );
  } finally {
    store.cleanup();
  }
});

test("frame: runs as a danfo DataFrame with flattened params and summary columns", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    for (const lr of [0.1, 0.01]) {
      const run = await tracker.startRun({ experiment: "frame", params: { opt: { lr } } });
      run.log("loss", lr);
      run.summary({ f1: lr * 2 });
      await run.finish();
    }
    const frame = await tracker.frame({ sort: "params.opt.lr" });
    assert.deepEqual(frame.shape, [2, 10]);
    assert.deepEqual(frame.column("params.opt.lr").values, [0.01, 0.1]);
    assert.deepEqual(frame.column("summary.f1").values, [0.02, 0.2]);
    const series = await tracker.seriesFrame((await tracker.runs())[0]?.id as string);
    assert.deepEqual(series.columns, ["metric", "step", "value", "time"]);
  } finally {
    store.cleanup();
  }
});
