import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { loadDataset, openTracker, parsePredictionRows, predictionsArtifact } from "../../src/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

// A researcher's own project: data/ at the root, a notebook folder and an analysis folder below it.
const work = tempDir("expbook-rerun-anywhere-");
after(work.cleanup);
const root = join(work.path, "thesis");
const store = join(work.path, "store");
const csv = join(root, "data", "mini.csv");
const env = { EXPBOOK_STORE: store };
const dist = pathToFileURL(new URL("../../dist/index.js", import.meta.url).pathname).href;

function writeRows(flip: boolean): void {
  const rows = Array.from({ length: 60 }, (_, i) => {
    const spam = i % 3 === 0;
    const label = flip && i % 5 === 0 ? (spam ? "ham" : "spam") : spam ? "spam" : "ham";
    return `m${i},"${spam ? "win money now free offer" : "meeting notes for the project"} ${i}",${label}`;
  });
  // CRLF line ends, as a spreadsheet on Windows saves them.
  writeFileSync(csv, `id,text,label\r\n${rows.join("\r\n")}\r\n`);
}

/** Fits a run the way a notebook in thesis/notebooks/ does: the API, a path relative to the notebook. */
function fitFromNotebook(): string {
  const script = `
    import { fitSystem, loadDataset, makeSplit, openTracker } from ${JSON.stringify(dist)};
    const dataset = await loadDataset("../data/mini.csv", { text: "text", label: "label", positiveLabel: "spam" });
    const splitOptions = { strategy: "stratified", seed: 3 };
    const tracker = await openTracker();
    const result = await fitSystem({
      kind: "tfidf-logreg", dataset, split: makeSplit(dataset, splitOptions), splitOptions,
      seed: 3, tracker, experiment: "notebook",
    });
    await tracker.close();
    process.stdout.write(result.runId);
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: join(root, "notebooks"),
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

describe("rerun from any folder of the project", () => {
  let notebookRun = "";

  before(() => {
    for (const folder of ["data", "notebooks", "analysis/deep"])
      mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, "package.json"), '{ "name": "thesis", "private": true }\n');
    writeRows(false);
    notebookRun = fitFromNotebook();
  });

  test("a notebook run records the project-relative path, every loading option and the positive label", async () => {
    const tracker = await openTracker({ dir: store });
    try {
      const run = await tracker.run(notebookRun);
      assert.deepEqual(run.params.dataset, {
        name: "data/mini.csv",
        text: "text",
        label: "label",
        positiveLabel: "spam",
      });
      assert.deepEqual(run.params.split, { strategy: "stratified", seed: 3 });
      assert.equal(run.params.kind, "tfidf-logreg");
      assert.equal(run.seed, 3);
      assert.equal(run.summary.positive_label, "spam");
      // test_f1 is the F1 of the positive class, from the run's own predictions.
      const rows = parsePredictionRows(await tracker.readArtifact(run.id, predictionsArtifact)).filter(
        (row) => row.split === "test",
      );
      const count = (yTrue: boolean, yPred: boolean) =>
        rows.filter((row) => (row.y_true === "spam") === yTrue && (row.y_pred === "spam") === yPred).length;
      const tp = count(true, true);
      const f1 = (2 * tp) / (2 * tp + count(false, true) + count(true, false));
      assert.equal(run.summary.test_f1, f1);
    } finally {
      await tracker.close();
    }
  });

  test("`expbook rerun` from another subfolder finds the data and reproduces every metric", async () => {
    const result = await runCli(["rerun", notebookRun, "--json"], {
      cwd: join(root, "analysis", "deep"),
      env,
    });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.identical, true);
    assert.equal(report.dataChanged, undefined);
    assert.ok(report.metrics.some((metric: { name: string }) => metric.name === "test_f1"));
  });

  test("a CLI run made in a subfolder reruns from the root", async () => {
    const fit = await runCli(
      ["fit", "majority", "--dataset", "data/mini.csv", "--text", "text", "--label", "label", "--json"],
      { cwd: join(root, "notebooks"), env },
    );
    assert.equal(fit.code, 0, fit.stderr);
    const { runId } = JSON.parse(fit.stdout);
    const result = await runCli(["rerun", runId, "--json"], { cwd: root, env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).identical, true);
  });

  test("a study run over data/mini.csv, started at the root, reruns from a subfolder", async () => {
    const study = {
      name: "mini",
      question: "Does TF-IDF beat the majority class on the mini mail set?",
      dataset: { name: "data/mini.csv", text: "text", label: "label", positiveLabel: "spam" },
      split: { strategy: "stratified" },
      seeds: [1],
      systems: [{ name: "tfidf", kind: "tfidf-logreg" }],
    };
    writeFileSync(join(root, "mini.json"), JSON.stringify(study));
    const ran = await runCli(["run", "mini.json", "--workers", "1", "--no-report", "--json"], {
      cwd: root,
      env,
    });
    assert.equal(ran.code, 0, ran.stderr);
    const listed = await runCli(["ls", "--json"], { cwd: root, env });
    const runs = (JSON.parse(listed.stdout) as Array<{ id: string; tags?: Record<string, unknown> }>).filter(
      (run) => run.tags?.study === "mini" && run.tags?.stage !== "study",
    );
    assert.equal(runs.length, 1);
    const result = await runCli(["rerun", runs[0]?.id ?? "", "--json"], {
      cwd: join(root, "notebooks"),
      env,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).identical, true);
  });

  test("after the CSV is edited, rerun names the changed fingerprint in one line and refuses", async () => {
    const before = await loadDataset(csv, { text: "text", label: "label" });
    writeRows(true);
    const edited = await loadDataset(csv, { text: "text", label: "label" });
    assert.notEqual(edited.fingerprint, before.fingerprint);
    const result = await runCli(["rerun", notebookRun], { cwd: join(root, "notebooks"), env });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.equal(
      result.stderr,
      `expbook: dataset data/mini.csv changed since run ${notebookRun}: fingerprint ${before.fingerprint.slice(0, 12)} → ${edited.fingerprint.slice(0, 12)}; pass --allow-changed-data to rerun on the new rows\n`,
    );
  });

  test("with --allow-changed-data it reruns on the new rows and reports the change", async () => {
    const edited = await loadDataset(csv, { text: "text", label: "label" });
    const result = await runCli(["rerun", notebookRun, "--allow-changed-data", "--json"], {
      cwd: join(root, "analysis"),
      env,
    });
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    assert.match(result.stderr, /changed since run .*; rerun on the new rows \(--allow-changed-data\)/);
    const report = JSON.parse(result.stdout);
    assert.equal(report.dataChanged.dataset, "data/mini.csv");
    assert.equal(report.dataChanged.current, edited.fingerprint);
    assert.ok(report.changed.some((fact: { what: string }) => fact.what === "data fingerprint"));
    const tracker = await openTracker({ dir: store });
    try {
      const rerun = await tracker.run(report.rerunId);
      assert.equal(rerun.datasetFingerprint, edited.fingerprint);
      assert.equal(rerun.tags.rerun_of, notebookRun);
    } finally {
      await tracker.close();
    }
  });
});
