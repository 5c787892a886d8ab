import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { compareRecords } from "../../src/tracker/compare-runs.js";
import { applyRunQuery } from "../../src/tracker/run-query.js";
import type { RunExport, RunStore, RunStoreOptions } from "../../src/tracker/store/run-store.js";
import type { JsonValue, RunRecord } from "../../src/tracker/types.js";
import { StoreError } from "../../src/util/errors.js";
import { createRng } from "../../src/util/random.js";
import { randomQuery, randomRuns } from "./random-runs.js";
import { endedRecord } from "./run-record.js";
import { spawnStoreWriter } from "./spawn-store-writer.js";

/** Opens a fresh, empty store; its `uri` must reopen it (a child process writes through it). */
export type OpenStore = (options?: RunStoreOptions) => Promise<RunStore>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function withStore(
  open: OpenStore,
  work: (store: RunStore) => Promise<void>,
  options?: RunStoreOptions,
) {
  const store = await open(options);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

function asRecord(found: Awaited<ReturnType<RunStore["read"]>>): RunRecord {
  assert.ok(found !== undefined && found.status !== "damaged", "the run should be readable");
  return found as RunRecord;
}

/** A run id for bulk runs: `n` in the time part keeps them in creation order. */
function bulkId(n: number): string {
  const hh = String(Math.floor(n / 3600) % 24).padStart(2, "0");
  const mm = String(Math.floor(n / 60) % 60).padStart(2, "0");
  const ss = String(n % 60).padStart(2, "0");
  return `20260101-${hh}${mm}${ss}-000-${(0x1000000000 + n).toString(16).slice(-10)}`;
}

async function importAll(store: RunStore, runs: RunExport[], parallel = 16): Promise<void> {
  for (let i = 0; i < runs.length; i += parallel) {
    const outcomes = await Promise.all(
      runs.slice(i, i + parallel).map((run) => store.importRun(run, async () => new Uint8Array())),
    );
    for (const outcome of outcomes) assert.equal(outcome, "copied");
  }
}

/**
 * The run-store conformance suite: every store behind the `RunStore` port must pass it. `open` gives
 * a fresh, empty store for each test.
 *
 * @example defineStoreConformance("postgres", (options) => openPostgresStore(cluster.createDatabase(...), options));
 */
export function defineStoreConformance(label: string, open: OpenStore): void {
  describe(`run store conformance: ${label}`, () => {
    it("starts, logs, finishes and fails runs", async () => {
      await withStore(open, async (store) => {
        const run = await store.startRun({ experiment: "life", name: "ok", params: { lr: 0.1 }, seed: 3 });
        for (let i = 0; i < 10; i++) run.log("loss", 1 / (i + 1));
        run.logMany({ acc: 0.5, f1: 0.25 }, 7);
        run.summary({ test_f1: 0.9, best: "yes" });
        run.tag({ baseline: true });
        run.note("a note");
        assert.equal(asRecord(await store.read(run.id)).status, "running");
        await run.finish();
        const done = asRecord(await store.read(run.id));
        assert.equal(done.status, "finished");
        assert.equal(done.experiment, "life");
        assert.equal(done.name, "ok");
        assert.deepEqual(done.params, { lr: 0.1 });
        assert.equal(done.seed, 3);
        assert.deepEqual({ ...done.summary }, { test_f1: 0.9, best: "yes" });
        assert.deepEqual({ ...done.tags }, { baseline: true });
        assert.equal(done.note, "a note");
        assert.equal(done.latest?.loss, 0.1);
        assert.ok(done.endedAt !== null && done.endedAt >= done.startedAt);
        const { series } = await store.readSeries(run.id);
        assert.deepEqual(
          series.loss?.map((p) => [p.step, p.value]),
          Array.from({ length: 10 }, (_, i) => [i, 1 / (i + 1)]),
        );
        assert.deepEqual(
          series.acc?.map((p) => [p.step, p.value]),
          [[7, 0.5]],
        );
        assert.deepEqual(Object.keys((await store.readSeries(run.id, ["f1"])).series), ["f1"]);
        assert.throws(() => run.log("loss", 1), StoreError);

        const failing = await store.startRun({ experiment: "life", name: "bad" });
        failing.log("loss", 2);
        await failing.fail(new Error("boom"));
        const failed = asRecord(await store.read(failing.id));
        assert.equal(failed.status, "failed");
        assert.match(failed.error ?? "", /boom/);
        assert.equal((await store.readSeries(failing.id)).series.loss?.length, 1);
        assert.deepEqual(
          await store.matchIds(run.id.slice(0, 20)),
          [run.id, failing.id].filter((id) => id.startsWith(run.id.slice(0, 20))),
        );
        assert.equal(await store.read("20990101-000000-000-0000000000"), undefined);
      });
    });

    it("reads a running run whose process died (SIGKILL) as crashed", async () => {
      await withStore(
        open,
        async (store) => {
          const writer = spawnStoreWriter(store.uri, ["hang", "crash"]);
          try {
            const id = (await writer.waitFor("run ")).slice(4);
            await writer.waitFor("flushed");
            assert.equal(asRecord(await store.read(id)).status, "running");
            writer.child.kill("SIGKILL");
            await writer.exited;
            let status = "running";
            for (let waited = 0; waited < 15_000 && status !== "crashed"; waited += 250) {
              await sleep(250);
              status = asRecord(await store.read(id)).status;
            }
            assert.equal(status, "crashed");
            assert.deepEqual(
              (await store.list({ where: 'status = "crashed"' })).runs.map((r) => r.id),
              [id],
            );
          } finally {
            writer.child.kill("SIGKILL");
          }
        },
        { staleAfterMs: 1_500 },
      );
    });

    it("keeps every point written before a SIGKILL mid-log, with no holes", async () => {
      await withStore(open, async (store) => {
        const writer = spawnStoreWriter(store.uri, ["forever", "sigkill"]);
        try {
          const id = (await writer.waitFor("run ")).slice(4);
          let stored = 0;
          for (let waited = 0; waited < 30_000 && stored < 40_000; waited += 50) {
            await sleep(50);
            stored = (await store.readSeries(id)).series.value?.length ?? 0;
          }
          writer.child.kill("SIGKILL");
          await writer.exited;
          const points = (await store.readSeries(id)).series.value ?? [];
          assert.ok(points.length >= 40_000, `only ${points.length} points were stored before the kill`);
          points.forEach((point, i) => {
            if (point.step !== i || point.value !== i)
              assert.fail(`point ${i} is step ${point.step}: a hole`);
          });
        } finally {
          writer.child.kill("SIGKILL");
        }
      });
    });

    it("loses no point with 4 writer processes × 25,000 points", async () => {
      await withStore(open, async (store) => {
        const shared = await store.importRun(
          { record: endedRecord(bulkId(1)), series: {}, artifacts: [] },
          async () => new Uint8Array(),
        );
        assert.equal(shared, "copied");
        const writers = [
          ...Array.from({ length: 4 }, () => spawnStoreWriter(store.uri, ["log", "concurrent", "25000"])),
          ...Array.from({ length: 4 }, () =>
            spawnStoreWriter(store.uri, ["append", bulkId(1), "25000", "1000"]),
          ),
        ];
        const ends = await Promise.all(writers.map((writer) => writer.exited));
        for (const end of ends) assert.deepEqual([end.code, end.signal], [0, null], end.stderr);
        const { runs } = await store.list({ experiment: "concurrent" });
        assert.equal(runs.length, 4);
        for (const record of runs) {
          assert.equal(record.status, "finished");
          const points = (await store.readSeries(record.id)).series.value ?? [];
          assert.equal(points.length, 25_000);
          points.forEach((point, i) => {
            if (point.step !== i || point.value !== i)
              assert.fail(`run ${record.id}: point ${i} is ${point.step}`);
          });
        }
        const appended = (await store.readSeries(bulkId(1))).series;
        assert.equal(Object.keys(appended).length, 4);
        for (const points of Object.values(appended)) {
          assert.deepEqual(
            points.map((p) => p.step),
            Array.from({ length: 25_000 }, (_, i) => i),
          );
        }
      });
    });

    it("answers the query language as the reference evaluator does (400 random queries)", async () => {
      await withStore(open, async (store) => {
        await importAll(store, randomRuns(15, 80));
        const all = (await store.list({})).runs;
        assert.equal(all.length, 80);
        const rng = createRng(2026);
        for (let i = 0; i < 400; i++) {
          const query = randomQuery(rng);
          const expected = applyRunQuery(all, query).map((run) => run.id);
          const got = (await store.list(query)).runs.map((run) => run.id);
          assert.deepEqual(got, expected, `query ${JSON.stringify(query)}`);
        }
        await assert.rejects(store.list({ where: "params.lr <" }), /column/);
      });
    });

    it("round-trips hostile names", async () => {
      await withStore(open, async (store) => {
        const long = "é🙂x".repeat(2_000);
        const names = [
          "naïve 🙂 ü",
          "quo\"te's",
          "__proto__",
          "constructor",
          "ctl\u0001\u001b\t\n\r\u007f",
          long,
          "a.b",
          " ",
        ];
        const params = JSON.parse(JSON.stringify(Object.fromEntries(names.map((n, i) => [n, i])))) as Record<
          string,
          JsonValue
        >;
        Object.defineProperty(params, "__proto__", {
          value: { nested: "__proto__" },
          enumerable: true,
          writable: true,
          configurable: true,
        });
        const tags = Object.fromEntries(names.map((n) => [n, n])) as Record<string, string>;
        const run = await store.startRun({
          experiment: long,
          name: names[4] as string,
          params,
          tags,
          note: names[1],
        });
        for (const [i, name] of names.entries()) run.log(name, i, 0);
        const summary: Record<string, number> = Object.create(null);
        for (const [i, name] of names.entries()) summary[name] = i;
        run.summary(summary);
        for (const name of names) await run.artifact(name, `bytes of ${name}`);
        await run.finish();
        const back = asRecord(await store.read(run.id));
        assert.equal(back.experiment, long);
        assert.equal(back.name, names[4]);
        assert.equal(back.note, names[1]);
        assert.deepEqual(JSON.parse(JSON.stringify(back.params)), JSON.parse(JSON.stringify(params)));
        assert.deepEqual(Object.entries(back.tags).sort(), Object.entries(tags).sort());
        assert.deepEqual(Object.entries(back.summary).sort(), Object.entries(summary).sort());
        assert.deepEqual([...back.artifacts].sort(), [...names].sort());
        const { series } = await store.readSeries(run.id);
        assert.deepEqual(Object.keys(series).sort(), [...names].sort());
        for (const [i, name] of names.entries())
          assert.deepEqual(
            series[name]?.map((p) => p.value),
            [i],
          );
        for (const name of names) {
          assert.equal(Buffer.from(await store.getArtifact(run.id, name)).toString(), `bytes of ${name}`);
        }
        assert.deepEqual(
          (await store.list({ experiment: long })).runs.map((r) => r.id),
          [run.id],
        );
        assert.deepEqual(
          (await store.list({ where: 'tags."__proto__" = "__proto__"' })).runs.map((r) => r.id),
          [run.id],
        );
        assert.deepEqual(
          (await store.list({ where: 'params."__proto__".nested = "__proto__"' })).runs.map((r) => r.id),
          [run.id],
        );
      });
    });

    it("round-trips artifacts and stores identical bytes once", async () => {
      await withStore(open, async (store) => {
        const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
        const a = await store.startRun({ experiment: "art" });
        const path = await a.artifact("model.bin", bytes);
        assert.deepEqual(new Uint8Array(readFileSync(path)), bytes);
        await a.artifact("config", { layers: [1, 2] });
        writeFileSync(join(a.artifactDir, "direct.txt"), "written directly");
        await a.finish();
        const b = await store.startRun({ experiment: "art" });
        await b.artifact("copy.bin", new Uint8Array(bytes));
        await b.finish();
        const infoA = await store.listArtifacts(a.id);
        const infoB = await store.listArtifacts(b.id);
        const model = infoA.find((info) => info.name === "model.bin");
        assert.ok(model);
        assert.equal(model.bytes, 100_000);
        assert.equal(infoB[0]?.sha256, model.sha256);
        assert.ok(
          infoA.some((info) => info.name === "direct.txt"),
          "a file written into artifactDir is kept",
        );
        assert.deepEqual(new Uint8Array(await store.getArtifact(b.id, "copy.bin")), bytes);
        assert.deepEqual(JSON.parse(Buffer.from(await store.getArtifact(a.id, "config")).toString()), {
          layers: [1, 2],
        });
        const file = await store.artifactFile(a.id, "model.bin");
        assert.deepEqual(new Uint8Array(readFileSync(file)), bytes);
        const put = await store.putArtifact(b.id, "again.bin", { fromPath: file });
        assert.equal(put.sha256, model.sha256);
        await assert.rejects(store.getArtifact(a.id, "absent"), StoreError);
      });
    });

    it("lists 10,000 runs", async () => {
      await withStore(open, async (store) => {
        const runs = Array.from({ length: 10_000 }, (_, n) => ({
          record: endedRecord(bulkId(n), { summary: { f1: (n % 100) / 100 }, params: { n } }),
          series: {},
          artifacts: [],
        }));
        await importAll(store, runs, 32);
        const started = performance.now();
        const { runs: listed } = await store.list({});
        const ms = performance.now() - started;
        assert.equal(listed.length, 10_000);
        assert.deepEqual(
          listed.slice(0, 3).map((r) => r.id),
          [bulkId(0), bulkId(1), bulkId(2)],
        );
        assert.ok(ms < 30_000, `listing 10,000 runs took ${ms.toFixed(0)} ms`);
        const best = (await store.list({ where: "summary.f1 >= 0.99", sort: "-params.n", limit: 3 })).runs;
        assert.deepEqual(
          best.map((r) => r.params.n),
          [9999, 9899, 9799],
        );
      });
    });

    it("compares two runs' params, summaries and series", async () => {
      await withStore(open, async (store) => {
        const ids: string[] = [];
        for (const lr of [0.1, 0.01]) {
          const run = await store.startRun({ experiment: "cmp", params: { lr, batch: 32 } });
          for (let i = 0; i < 5; i++) run.log("loss", lr * (5 - i));
          run.summary({ test_f1: lr * 5 });
          await run.finish();
          ids.push(run.id);
        }
        const runs = await Promise.all(
          ids.map(async (id) => ({ ...asRecord(await store.read(id)), ...(await store.readSeries(id)) })),
        );
        const comparison = compareRecords(runs);
        assert.deepEqual(comparison.params, [{ key: "lr", values: [0.1, 0.01] }]);
        assert.equal(comparison.sameParams, 1);
        const f1 = comparison.metrics.find((row) => row.key === "test_f1");
        assert.deepEqual(f1?.values, [0.5, 0.05]);
        assert.deepEqual(
          runs.map((run) => run.series.loss?.at(-1)?.value),
          [0.1, 0.01],
        );
      });
    });

    it("gc never touches a live run", async () => {
      await withStore(open, async (store) => {
        const gone = await store.startRun({ experiment: "gc" });
        await gone.artifact("orphan.bin", "only here");
        await gone.finish();
        await store.remove(gone.id);
        assert.equal(await store.read(gone.id), undefined);

        const live = await store.startRun({ experiment: "gc" });
        for (let i = 0; i < 1_000; i++) live.log("loss", i);
        await live.artifact("kept.bin", "live bytes");
        await live.flush();
        writeFileSync(join(live.artifactDir, "staged.txt"), "staged, not yet stored");
        const dry = await store.gc({ dryRun: true });
        assert.equal(dry.dryRun, true);
        await store.gc({ dryRun: false });
        assert.equal(asRecord(await store.read(live.id)).status, "running");
        assert.equal((await store.readSeries(live.id)).series.loss?.length, 1_000);
        assert.equal(Buffer.from(await store.getArtifact(live.id, "kept.bin")).toString(), "live bytes");
        assert.equal(readFileSync(join(live.artifactDir, "staged.txt"), "utf8"), "staged, not yet stored");
        live.log("loss", 1_000);
        await live.finish();
        assert.equal((await store.readSeries(live.id)).series.loss?.length, 1_001);
        assert.equal(
          Buffer.from(await store.getArtifact(live.id, "staged.txt")).toString(),
          "staged, not yet stored",
        );
        assert.deepEqual((await store.gc({ dryRun: false })).orphans, []);
      });
    });
  });
}
