import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { openPostgresStore } from "../../src/tracker/postgres/postgres-store.js";
import { SCHEMA_VERSION } from "../../src/tracker/postgres/schema-migrations.js";
import { StoreError } from "../../src/util/errors.js";
import { type PostgresCluster, startPostgresCluster } from "../helpers/postgres-cluster.js";
import { defineStoreConformance } from "../helpers/store-conformance.js";

let cluster: PostgresCluster;
let databases = 0;
const cacheDir = mkdtempSync(join(tmpdir(), "expbook-pg-cache-"));
const freshUri = (): string => cluster.createDatabase(`t${++databases}`);

// An unhandled rejection anywhere (a background flush during an outage) fails the whole file.
const unhandled: unknown[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

before(async () => {
  cluster = await startPostgresCluster();
});
after(() => {
  cluster?.stop();
  rmSync(cacheDir, { recursive: true, force: true });
  assert.deepEqual(unhandled, []);
});

defineStoreConformance("postgres", (options) => openPostgresStore(freshUri(), { cacheDir, ...options }));

async function sql<R extends object>(uri: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("PostgreSQL store", () => {
  it("names the server in one line when it is unreachable, and never shows the password", async () => {
    const port = cluster.port + 1;
    const error = await openPostgresStore(`postgres://me:s3cret@127.0.0.1:${port}/db`).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreError);
    assert.match(
      error.message,
      new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}.*start the server`),
    );
    assert.doesNotMatch(error.message, /s3cret|\n/);
  });

  it("says so when the user or database is wrong", async () => {
    const role = await openPostgresStore(`postgres://nobody:s3cret@127.0.0.1:${cluster.port}/postgres`).catch(
      (e: unknown) => e,
    );
    assert.ok(role instanceof StoreError);
    assert.match(role.message, /refused the login.*"nobody".*fix the user or password/);
    assert.doesNotMatch(role.message, /s3cret|\n/);
    const database = await openPostgresStore(`postgres://postgres@127.0.0.1:${cluster.port}/nosuchdb`).catch(
      (e: unknown) => e,
    );
    assert.ok(database instanceof StoreError);
    assert.match(database.message, /"nosuchdb" does not exist.*createdb/);
  });

  it("migrates once when four processes' stores open a fresh database at once", async () => {
    const uri = freshUri();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(uri, { cacheDir })));
    await Promise.all(stores.map((store) => store.close()));
    const rows = await sql<{ version: number }>(
      uri,
      "SELECT version FROM expbook_schema_version ORDER BY version",
    );
    assert.deepEqual(
      rows.map((row) => row.version),
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });

  it("refuses a schema newer than this expbook with one line saying to upgrade", async () => {
    const uri = freshUri();
    await (await openPostgresStore(uri, { cacheDir })).close();
    await sql(uri, "INSERT INTO expbook_schema_version (version) VALUES ($1)", [SCHEMA_VERSION + 1]);
    const error = await openPostgresStore(uri, { cacheDir }).catch((e: unknown) => e);
    assert.ok(error instanceof StoreError);
    assert.match(
      error.message,
      new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer .*; upgrade expbook$`),
    );
  });

  it("keeps one blob for identical artifacts and gc drops it only when unreferenced", async () => {
    const uri = freshUri();
    const store = await openPostgresStore(uri, { cacheDir });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const run = await store.startRun({ experiment: "kb" });
        await run.artifact("knowledge-base.json", { docs: ["same", "bytes"] });
        await run.finish();
        ids.push(run.id);
      }
      const count = async (): Promise<number> =>
        (await sql<{ n: number }>(uri, "SELECT count(*)::int AS n FROM expbook_blobs"))[0]?.n ?? -1;
      assert.equal(await count(), 1);
      for (const id of ids.slice(0, 2)) await store.remove(id);
      assert.deepEqual((await store.gc({ dryRun: false })).orphans, []);
      assert.equal(await count(), 1);
      await store.remove(ids[2] as string);
      assert.equal((await store.gc({ dryRun: true })).orphans.length, 1);
      assert.equal(await count(), 1);
      assert.equal((await store.gc({ dryRun: false })).orphans.length, 1);
      assert.equal(await count(), 0);
      const points = await sql<{ n: number }>(uri, "SELECT count(*)::int AS n FROM expbook_points");
      assert.equal(points[0]?.n, 0);
    } finally {
      await store.close();
    }
  });

  it("hands a named lock to one session at a time and names the holder", async () => {
    const uri = freshUri();
    const [a, b] = await Promise.all([
      openPostgresStore(uri, { cacheDir }),
      openPostgresStore(uri, { cacheDir }),
    ]);
    try {
      const first = await a.lock("study:demo");
      assert.ok("release" in first);
      const second = await b.lock("study:demo");
      assert.ok("heldBy" in second);
      assert.match(second.heldBy, /PostgreSQL session \d+ \(expbook .* pid \d+/);
      assert.ok("release" in (await b.lock("study:other")));
      await first.release();
      const third = await b.lock("study:demo");
      assert.ok("release" in third);
      await third.release();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("buffers points while the server is down and writes them all once it is back", async () => {
    const uri = freshUri();
    const notices: string[] = [];
    const store = await openPostgresStore(uri, { cacheDir, warn: (line) => notices.push(line) });
    try {
      const run = await store.startRun({ experiment: "outage" });
      for (let i = 0; i < 5_000; i++) run.log("value", i, i);
      await run.flush();
      cluster.kill();
      try {
        for (let i = 5_000; i < 30_000; i++) run.log("value", i, i);
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        await assert.rejects(run.flush(), (error: unknown) => {
          assert.ok(error instanceof StoreError);
          assert.match(error.message, /cannot reach PostgreSQL at 127\.0\.0\.1:\d+/);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        });
        assert.ok(
          notices.some((line) => /lost PostgreSQL at 127\.0\.0\.1:\d+.*retrying/.test(line)),
          notices.join("\n"),
        );
      } finally {
        cluster.start();
      }
      await run.finish();
      assert.ok(notices.some((line) => /is back/.test(line)) || notices.length === 1, notices.join("\n"));
      const points = (await store.readSeries(run.id)).series.value ?? [];
      assert.deepEqual(
        points.map((p) => p.step),
        Array.from({ length: 30_000 }, (_, i) => i),
      );
      assert.equal((await store.read(run.id))?.status, "finished");
    } finally {
      await store.close();
    }
  });

  it("fails finish with one clear line when the server stays down; flushed points survive a restart", async () => {
    const uri = freshUri();
    const store = await openPostgresStore(uri, { cacheDir, retryForMs: 1_000, warn: () => {} });
    let runId = "";
    try {
      const run = await store.startRun({ experiment: "outage" });
      runId = run.id;
      for (let i = 0; i < 10_000; i++) run.log("value", i, i);
      await run.flush();
      cluster.kill();
      try {
        run.log("value", 10_000, 10_000);
        const error = await run.finish().catch((e: unknown) => e);
        assert.ok(error instanceof StoreError, String(error));
        assert.match(
          error.message,
          /^run \S+: cannot reach PostgreSQL at .*1 metric point\(s\) kept in memory/,
        );
        assert.doesNotMatch(error.message, /\n/);
      } finally {
        cluster.start();
      }
      const points = (await store.readSeries(runId)).series.value ?? [];
      assert.deepEqual(
        points.map((p) => p.step),
        Array.from({ length: 10_000 }, (_, i) => i),
      );
      await run.finish();
      assert.equal((await store.readSeries(runId)).series.value?.length, 10_001);
    } finally {
      await store.close();
    }
  });
});
