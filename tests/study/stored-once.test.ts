import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { buildReport } from "../../src/report/index.js";
import { openTracker, showFor, type Tracker } from "../../src/index.js";
import { loadKnowledgeBase, snippetOf } from "../../src/rag/index.js";
import { readPredictionRows } from "../../src/tracker/records/index.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { collector } from "../helpers/notebook-publisher.js";
import { type PostgresCluster, startPostgresCluster } from "../helpers/postgres-cluster.js";

// The BM25 and dense RAG runs of one split index the same documents: their knowledge bases must be one
// blob in either store, and their predictions cite documents by id, with the text shown from that blob.
const study = new URL("../../experiments/spam-ft-vs-rag.json", import.meta.url).pathname;
const kbArtifact = "knowledge-base.json.gz";
let cluster: PostgresCluster;
const dir = tempDir("expbook-stored-once-");

before(async () => {
  cluster = await startPostgresCluster();
});
after(() => {
  cluster?.stop();
  dir.cleanup();
});

/** Bytes of the blobs a store holds: the file store's blob files, or the PostgreSQL store's blob rows. */
async function storedBlobBytes(store: string): Promise<number> {
  if (store.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: store });
    await client.connect();
    try {
      const result = await client.query<{ total: string }>(
        "SELECT sum(size)::text AS total FROM expbook_blobs",
      );
      return Number(result.rows[0]?.total ?? 0);
    } finally {
      await client.end();
    }
  }
  const root = join(store, "blobs", "sha256");
  let total = 0;
  for (const prefix of readdirSync(root)) {
    for (const blob of readdirSync(join(root, prefix))) total += statSync(join(root, prefix, blob)).size;
  }
  return total;
}

async function checkStore(tracker: Tracker, store: string): Promise<void> {
  const rag = (await tracker.runs({ experiment: "spam-ft-vs-rag" })).filter((run) =>
    String(run.tags.system).startsWith("rag-"),
  );
  assert.deepEqual(rag.map((run) => run.tags.system).sort(), ["rag-bm25", "rag-dense"]);

  // One knowledge base, stored once: both runs name the same blob, and the store holds each blob once.
  const artifacts = await Promise.all(rag.map((run) => tracker.store.listArtifacts(run.id)));
  const kbs = artifacts.map((list) => list.find((info) => info.name === kbArtifact));
  assert.ok(kbs[0] && kbs[1], "both RAG runs saved their knowledge base");
  assert.equal(kbs[0].sha256, kbs[1].sha256, "BM25 and dense runs of one split write the same bytes");
  const all = (await tracker.runs({ experiment: "spam-ft-vs-rag" })).map((run) => run.id);
  const distinct = new Map<string, number>();
  let listed = 0;
  for (const id of all) {
    for (const info of await tracker.store.listArtifacts(id)) {
      distinct.set(info.sha256, info.bytes);
      listed += info.bytes;
    }
  }
  const stored = await storedBlobBytes(store);
  assert.equal(
    stored,
    [...distinct.values()].reduce((a, b) => a + b, 0),
  );
  assert.ok(stored <= listed - kbs[0].bytes, `${stored} stored bytes keep the knowledge base once`);

  // Citations by id: no snippet in the prediction file; the report and notebook show the base's text.
  const bm25 = rag.find((run) => run.tags.system === "rag-bm25");
  assert.ok(bm25);
  const rows = readPredictionRows(await tracker.readArtifact(bm25.id, "predictions.jsonl"), bm25.id);
  const cited = rows.flatMap((row) => row.citations ?? []);
  assert.ok(cited.length >= rows.length, "every prediction cites neighbours");
  assert.ok(cited.every((citation) => citation.snippet === undefined && citation.id !== ""));
  const kb = loadKnowledgeBase(await tracker.artifactFile(bm25.id, kbArtifact));
  const textOf = (id: string) => snippetOf(kb.get(id)?.text ?? "(not in the knowledge base)");

  const model = await buildReport(tracker, "spam-ft-vs-rag");
  const shown = model.errors.flatMap((error) => error.citations);
  assert.ok(shown.length > 0, "the report's error browser shows citations");
  for (const citation of shown) assert.equal(citation.snippet, textOf(citation.id));

  const out = collector();
  await showFor(tracker, { publisher: out }).citations(bm25.id);
  const table = out.bundles[0]?.["text/plain"] ?? "";
  const first = rows.find((row) => row.split === "test" && row.y_true !== row.y_pred) ?? rows[0];
  const firstCited = first?.citations?.[0];
  assert.ok(firstCited);
  assert.ok(
    table.includes(textOf(firstCited.id).slice(0, 20)),
    `show.citations shows the cited text:\n${table}`,
  );
}

test("a study's identical knowledge bases are stored once in both stores, and citations by id show their text", async () => {
  const fileStore = join(dir.path, "file-store");
  const dbStore = cluster.createDatabase("once");
  const run = (store: string, name: string) =>
    runCli([
      "run",
      study,
      "--quick",
      "--only",
      "rag-bm25,rag-dense",
      "--workers",
      "1",
      "--out",
      join(dir.path, `${name}.html`),
      "--store",
      store,
    ]);
  const results = await Promise.all([run(fileStore, "file"), run(dbStore, "db")]);
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  for (const store of [fileStore, dbStore]) {
    const tracker = await openTracker({ store });
    try {
      await checkStore(tracker, store);
    } finally {
      await tracker.close();
    }
  }
});
