import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { createRng } from "../../src/util/random.js";
import { runCli, tempDir } from "../helpers/cli.js";

interface Section {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** Two prediction CSVs on the same 200 e-mails (ids shared), A better than B. */
function writePredictions(dir: string): { a: string; b: string } {
  const rng = createRng(5);
  const truth = Array.from({ length: 200 }, () => (rng.next() < 0.3 ? "spam" : "ham"));
  const noisy = (accuracy: number) =>
    truth.map((label) => (rng.next() < accuracy ? label : label === "spam" ? "ham" : "spam"));
  const csv = (predicted: string[]) =>
    `id,y_true,y_pred\n${truth.map((label, i) => `m${i},${label},${predicted[i]}`).join("\n")}\n`;
  const a = join(dir, "a.csv");
  const b = join(dir, "b.csv");
  writeFileSync(a, csv(noisy(0.9)));
  writeFileSync(b, csv(noisy(0.8)));
  return { a, b };
}

async function logBoth(dir: string, files: { a: string; b: string }, positive: string[]) {
  for (const [name, file] of Object.entries(files)) {
    const logged = await runCli([
      "eval",
      file,
      "--task",
      "classification",
      ...positive,
      "--log",
      "--experiment",
      "cmp",
      "--name",
      name,
      "--store",
      dir,
    ]);
    assert.equal(logged.code, 0, logged.stderr);
  }
  const tracker = await openTracker({ dir });
  const runs = [...(await tracker.runs({ experiment: "cmp" }))].sort((x, y) => x.name.localeCompare(y.name));
  await tracker.close();
  return runs;
}

async function pairedSection(dir: string, ids: string[]): Promise<Section> {
  const compared = await runCli(["compare", ...ids, "--json", "--store", dir]);
  assert.equal(compared.code, 0, compared.stderr);
  const sections = (JSON.parse(compared.stdout) as { sections: Section[] }).sections;
  const section = sections.find((s) => s.title.startsWith("paired tests"));
  assert.ok(section, "expbook compare prints the paired tests");
  return section;
}

test("expbook compare's paired table calls f1 what the run summary calls test_f1, and says which F1", async () => {
  const store = tempDir("expbook-paired-name-");
  try {
    const runs = await logBoth(store.path, writePredictions(store.path), ["--positive", "spam"]);
    const [a, b] = runs;
    assert.ok(a && b);
    // `eval --log` records test_f1 (the positive class's F1) but no positive_label: the table must still
    // compare the same F1, not macro F1 under the name "f1".
    assert.notEqual(a.summary.test_f1, a.summary.test_f1_macro);
    const section = await pairedSection(store.path, [a.id, b.id]);
    const row = section.rows[0] ?? [];
    const cell = (column: string) => row[section.columns.indexOf(column)];
    assert.equal(cell("metric"), "f1");
    assert.equal(cell("A"), Number((a.summary.test_f1 as number).toPrecision(4)));
    assert.equal(cell("B"), Number((b.summary.test_f1 as number).toPrecision(4)));
    assert.match(
      section.title,
      /metric f1 = binary F1 of the positive class "spam", as in each run's test_f1/,
    );
  } finally {
    store.cleanup();
  }
});

test("without a positive class the paired table compares f1_macro and names it so", async () => {
  const store = tempDir("expbook-paired-macro-");
  try {
    const runs = await logBoth(store.path, writePredictions(store.path), []);
    const [a, b] = runs;
    assert.ok(a && b);
    const section = await pairedSection(store.path, [a.id, b.id]);
    const row = section.rows[0] ?? [];
    const cell = (column: string) => row[section.columns.indexOf(column)];
    assert.equal(cell("metric"), "f1_macro");
    assert.equal(cell("A"), Number((a.summary.test_f1_macro as number).toPrecision(4)));
    assert.match(section.title, /metric f1_macro = macro-averaged F1/);
  } finally {
    store.cleanup();
  }
});
