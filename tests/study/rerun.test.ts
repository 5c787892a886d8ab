import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);

interface ListedRun {
  id: string;
  name: string;
  status: string;
  tags?: Record<string, string | boolean>;
}

describe("the default study and its reruns", () => {
  const store = join(work.path, "store");

  test("`expbook run --quick` of the default study completes, prints the summary table and the report path", async () => {
    const only = "finetune-glove,rag-dense-finetuned,rag-bm25,tfidf-logreg,majority";
    const out = join(work.path, "report.html");
    const result = await runCli([
      "run",
      "experiments/spam-ft-vs-rag.json",
      "--quick",
      "--only",
      only,
      "--store",
      store,
      "--out",
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /system\s+test_f1\s+95% CI/);
    for (const system of only.split(","))
      assert.match(result.stdout, new RegExp(`^${system}\\s+0\\.\\d{4}`, "m"));
    assert.match(result.stdout, /^tfidf-logreg .*best|Δ/m);
    assert.ok(result.stdout.includes(`report: ${out}`));
  });

  test("`expbook rerun` of every finished run of the study reports identical metrics", async () => {
    const listed = await runCli(["ls", "--store", store, "--json"]);
    const runs = (JSON.parse(listed.stdout) as ListedRun[]).filter((run) => run.tags?.stage === "final");
    assert.equal(runs.length, 5);
    for (const run of runs) {
      const result = await runCli(["rerun", run.id, "--store", store, "--json"]);
      assert.equal(result.code, 0, `${run.name}: ${result.stdout}${result.stderr}`);
      const report = JSON.parse(result.stdout);
      assert.equal(report.identical, true, run.name);
      assert.ok(report.metrics.some((metric: { name: string }) => metric.name === "test_f1"));
    }
  });

  test("a rerun on changed data refuses, then with --allow-changed-data reports the difference and names the data fingerprint", async () => {
    const csv = join(work.path, "mini.csv");
    const rows = (flip: boolean) =>
      [
        "id,text,label",
        ...Array.from({ length: 60 }, (_, i) => {
          const spam = i % 3 === 0;
          const label = flip && i % 5 === 0 ? (spam ? "ham" : "spam") : spam ? "spam" : "ham";
          return `m${i},"${spam ? "win money now free offer" : "meeting notes for the project"} ${i}",${label}`;
        }),
      ].join("\n");
    writeFileSync(csv, rows(false));
    const fit = await runCli([
      "fit",
      "rag",
      "--dataset",
      csv,
      "--text",
      "text",
      "--label",
      "label",
      "--store",
      store,
      "--json",
    ]);
    assert.equal(fit.code, 0, fit.stderr);
    const { runId } = JSON.parse(fit.stdout);
    writeFileSync(csv, rows(true));
    const refused = await runCli(["rerun", runId, "--store", store, "--json"]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /changed since run .*: fingerprint [0-9a-f]{12} → [0-9a-f]{12}; pass --allow-changed-data/,
    );
    const result = await runCli(["rerun", runId, "--store", store, "--json", "--allow-changed-data"]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout);
    assert.equal(report.identical, false);
    assert.ok(report.changed.some((fact: { what: string }) => fact.what === "data fingerprint"));
  });
});
