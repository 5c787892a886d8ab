import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";
import { type PostgresCluster, startPostgresCluster } from "../helpers/postgres-cluster.js";

// Two researchers run halves of the same study at once, one on a file store and one on the team's
// PostgreSQL store; `sync` both ways gives both stores every run, and the study report is the same
// from either store.
const study = new URL("../../experiments/spam-ft-vs-rag.json", import.meta.url).pathname;
let cluster: PostgresCluster;
const dir = tempDir("expbook-team-store-");

before(async () => {
  cluster = await startPostgresCluster();
});
after(() => {
  cluster?.stop();
  dir.cleanup();
});

/** The report's Markdown with what names the store (run ids are shared; paths and the store URI are not). */
function reportTables(path: string): string {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => !/store|\.expbook|postgres:|generated|written/i.test(line))
    .join("\n");
}

test("halves of a study on a file and a PostgreSQL store, synced both ways, give the same report from each", async () => {
  const fileStore = join(dir.path, "laptop");
  const teamStore = cluster.createDatabase("team");
  const cache = { EXPBOOK_CACHE: join(dir.path, "cache") };
  const run = (store: string, only: string) =>
    runCli(
      [
        "run",
        study,
        "--quick",
        "--seeds",
        "2",
        "--only",
        only,
        "--workers",
        "1",
        "--no-report",
        "--store",
        store,
      ],
      { env: cache },
    );
  const [laptop, team] = await Promise.all([
    run(fileStore, "tfidf-logreg,majority"),
    run(teamStore, "rag-bm25,fewshot-8"),
  ]);
  assert.equal(laptop.code, 0, laptop.stderr);
  assert.equal(team.code, 0, team.stderr);

  const listed = async (store: string) => {
    const ls = await runCli(["ls", "--store", store, "--experiment", "spam-ft-vs-rag", "--json"]);
    assert.equal(ls.code, 0, ls.stderr);
    return (
      (JSON.parse(ls.stdout) as { id: string; summary: Record<string, unknown> }[])
        // jsonb keeps keys in its own order: compare summaries key by key.
        .map(
          (r) => `${r.id} ${JSON.stringify(Object.entries(r.summary).sort(([a], [b]) => (a < b ? -1 : 1)))}`,
        )
        .sort()
    );
  };
  const before = { file: (await listed(fileStore)).length, team: (await listed(teamStore)).length };
  // Each half: 2 systems × 2 seeds, plus the study's record of its run.
  assert.deepEqual(before, { file: 5, team: 5 });
  const up = await runCli(["sync", "--from", fileStore, "--to", teamStore]);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stderr, /copied 5 run\(s\)/);
  const down = await runCli(["sync", "--from", teamStore, "--to", fileStore]);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /copied 5 run\(s\) from .*; 5 already there/);
  const again = await runCli(["sync", "--from", fileStore, "--to", teamStore]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /nothing to copy: 10 of 10 run\(s\)/);

  const fromFile = await listed(fileStore);
  assert.equal(fromFile.length, 10);
  assert.deepEqual(await listed(teamStore), fromFile);

  const report = async (store: string, name: string) => {
    const md = join(dir.path, `${name}.md`);
    const written = await runCli([
      "report",
      study,
      "--store",
      store,
      "--out",
      join(dir.path, `${name}.html`),
      "--md",
      md,
    ]);
    assert.equal(written.code, 0, written.stderr);
    return reportTables(md);
  };
  const fileReport = await report(fileStore, "file");
  const teamReport = await report(teamStore, "team");
  for (const system of ["tfidf-logreg", "majority", "rag-bm25", "fewshot-8"]) {
    assert.match(fileReport, new RegExp(system));
  }
  assert.equal(teamReport, fileReport);
});
