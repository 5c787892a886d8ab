import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { importing } from "./helpers/import-loads.js";

// What each entry must leave for first use: a name (for the failure message) and the `loaded URL` lines
// (packages, built-ins) or `source src/…` lines (our modules inside the bundled files of dist/) that
// would show it was loaded at import.
const lazy = {
  lowdb: /\/node_modules\/(lowdb|steno)\//,
  "the file store": /^source src\/tracker\/file-store\//,
  papaparse: /\/node_modules\/papaparse\//,
  "TensorFlow.js or danfojs": /\/node_modules\/(@tensorflow|danfojs)\//,
  "node:child_process": /^loaded node:child_process$/,
  "node:crypto": /^loaded node:crypto$/,
};

function assertNotLoaded(entry: string, loaded: string[], names: (keyof typeof lazy)[]): void {
  for (const name of names) {
    const pattern = lazy[name];
    assert.deepEqual(
      loaded.filter((line) => pattern.test(line)),
      [],
      `import of dist/${entry} loads ${name}`,
    );
  }
}

test('import "expbook/tracker" loads no lowdb, file store, papaparse, tfjs, child_process or crypto; all work at first use', () => {
  const store = mkdtempSync(join(tmpdir(), "expbook-import-cost-"));
  try {
    const { loaded, sources, stdout } = importing(
      "tracker/index.js",
      `const tracker = await m.openTracker({ store: ${JSON.stringify(store)} });
// Two runs with test predictions, so the paired tests (stats and metrics) run at first use.
const predictions = (wrongEvery) => Array.from({ length: 40 }, (_, id) => JSON.stringify({
  split: "test", id, y_true: id % 2 ? "spam" : "ham", y_pred: id % wrongEvery ? (id % 2 ? "spam" : "ham") : "ham",
})).join("\\n") + "\\n";
const run = await tracker.startRun({ experiment: "lazy", params: { lr: 0.1 }, seed: 1 });
run.log("loss", 0.5, 0);
await run.artifact("predictions.jsonl", predictions(3));
await run.finish();
const other = await tracker.startRun({ experiment: "lazy", params: { lr: 0.2 }, seed: 1 });
await other.artifact("predictions.jsonl", predictions(5));
await other.finish();
const compared = await tracker.compare([run.id, other.id], { paired: true, resamples: 200 });
const runs = await tracker.runs({ experiment: "lazy" });
await tracker.close();
console.log(JSON.stringify({
  runs: runs.length,
  loss: (await (await m.openTracker({ store: ${JSON.stringify(store)} })).run(run.id)).series.loss?.length,
  sections: compared.sections.map((section) => section.title),
  id: m.newRunId(),
  commit: m.captureEnvironment().gitCommit,
}));`,
    );
    assertNotLoaded("tracker/index.js", [...loaded, ...sources], Object.keys(lazy) as (keyof typeof lazy)[]);
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(seen.runs, 2);
    assert.equal(seen.loss, 1);
    assert.equal((seen.sections as string[]).length, 1, stdout);
    assert.match(String(seen.id), /^\d{8}-\d{6}-\d{3}-[0-9a-f]{10}$/);
    // Run from this checkout: git answers through the lazily loaded child_process.
    assert.match(String(seen.commit), /^[0-9a-f]{40}$/);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test('import "expbook" loads no lowdb, file store, papaparse or tfjs; a CSV dataset and a store work at first use', () => {
  const dir = mkdtempSync(join(tmpdir(), "expbook-import-cost-"));
  try {
    const csv = join(dir, "rows.csv");
    writeFileSync(csv, "text,label\nfree money,spam\nlunch at noon,ham\nwin a prize,spam\n");
    const { loaded, sources, stdout } = importing(
      "index.js",
      `const dataset = await m.loadDataset(${JSON.stringify(csv)}, { text: "text", label: "label" });
const tracker = await m.openTracker({ store: ${JSON.stringify(join(dir, "store"))} });
const run = await tracker.startRun({ experiment: "lazy", params: {}, seed: 1 });
await run.finish();
console.log(JSON.stringify({ rows: dataset.rows.length, runs: (await tracker.runs()).length }));`,
    );
    assertNotLoaded(
      "index.js",
      [...loaded, ...sources],
      ["lowdb", "the file store", "papaparse", "TensorFlow.js or danfojs"],
    );
    assert.deepEqual(JSON.parse(stdout), { rows: 3, runs: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checking a study's fine-tuning params loads no TensorFlow.js (training code loads it at first use)", () => {
  const study = new URL("../experiments/spam-sweep.json", import.meta.url).pathname;
  const training = new URL("../dist/finetune/index.js", import.meta.url).href;
  const { loaded, later, stdout } = importing(
    "study/index.js",
    `const { study } = await m.loadStudy(${JSON.stringify(study)});
process.stderr.write("loaded CHECKED\\n");
await import(${JSON.stringify(training)});
console.log(JSON.stringify(study.systems.map((system) => system.kind)));`,
  );
  const checked = later.indexOf("loaded CHECKED");
  assert.ok(checked > 0, "loading the study loaded modules, then the marker line");
  const tfjs = lazy["TensorFlow.js or danfojs"];
  assert.deepEqual(
    [...loaded, ...later.slice(0, checked)].filter((line) => tfjs.test(line)),
    [],
  );
  assert.ok(
    later.slice(checked).some((line) => tfjs.test(line)),
    "the training code loads TensorFlow.js",
  );
  assert.deepEqual(JSON.parse(stdout), ["finetune", "tfidf-logreg"]);
});
