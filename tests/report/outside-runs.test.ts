// Runs made outside expbook join a study's report through the record format alone: one logged by hand
// (tracker API + the prediction-row writer) and one logged with `expbook eval --log`.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  buildReport,
  openTracker,
  type PredictionRow,
  predictionsArtifact,
  type ReportModel,
  readPredictionRows,
  runTag,
  scoreClassification,
  seedInterval,
  metricRange,
  summaryName,
  writePredictionRows,
} from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { experiments, writeSyntheticStudy } from "./synthetic-study.js";

const dir = tempDir("expbook-outside-");
const store = join(dir.path, "store");
let model: ReportModel;
const handF1: number[] = [];
let evalF1 = Number.NaN;

/** The test rows the study's runs of one seed predicted (read back with the record reader). */
async function studyTestRows(seed: number): Promise<PredictionRow[]> {
  const tracker = await openTracker({ dir: store });
  const [majority] = (await tracker.runs({ experiment: experiments.main })).filter(
    (run) => run.seed === seed && run.tags.system === "majority",
  );
  assert.ok(majority, `majority run of seed ${seed}`);
  const path = await tracker.artifactFile(majority.id, predictionsArtifact);
  return readPredictionRows(await tracker.readArtifact(majority.id, predictionsArtifact), path).filter(
    (row) => row.split === "test",
  );
}

function guess(rows: readonly PredictionRow[], seed: number, accuracy: number): string[] {
  const rng = createRng(seed);
  return rows.map((row) =>
    rng.next() < accuracy ? String(row.y_true) : row.y_true === "spam" ? "ham" : "spam",
  );
}

before(async () => {
  await writeSyntheticStudy(store);
  const tracker = await openTracker({ dir: store });
  // Logged by hand: one run per seed of the study, tagged with its system and the final stage.
  for (const seed of [1, 2, 3]) {
    const rows = await studyTestRows(seed);
    const predicted = guess(rows, 100 + seed, 0.8);
    const run = await tracker.startRun({
      experiment: experiments.main,
      name: `my-model seed ${seed}`,
      params: { system: "my-model", hidden: 64 },
      tags: { [runTag.system]: "my-model", [runTag.stage]: "final" },
      seed,
    });
    await writePredictionRows(
      run,
      rows.map((row, i) => ({
        split: "test",
        id: row.id,
        y_true: row.y_true,
        y_pred: predicted[i] as string,
      })),
      { task: "classification" },
    );
    const score = scoreClassification(
      rows.map((row) => String(row.y_true)),
      predicted,
      {
        labels: ["ham", "spam"],
        positiveLabel: "spam",
      },
    );
    handF1.push(score.f1);
    run.summary({ test_f1: score.f1, test_accuracy: score.accuracy, [summaryName.positiveLabel]: "spam" });
    await run.finish();
  }
  await tracker.close();
  // Logged with `expbook eval --log`: seed 1's test rows scored from a CSV made elsewhere.
  const rows = await studyTestRows(1);
  const predicted = guess(rows, 7, 0.85);
  const csv = join(dir.path, "scikit.csv");
  writeFileSync(
    csv,
    `id,y_true,y_pred\n${rows.map((row, i) => `${row.id},${row.y_true},${predicted[i]}`).join("\n")}\n`,
  );
  const result = await runCli([
    "eval",
    csv,
    "--task",
    "classification",
    "--positive",
    "spam",
    "--log",
    "--experiment",
    experiments.main,
    "--system",
    "sklearn-svm",
    "--run-seed",
    "1",
    "--resamples",
    "50",
    "--store",
    store,
    "--json",
  ]);
  assert.equal(result.code, 0, result.stderr);
  evalF1 = (JSON.parse(result.stdout) as { metrics: { f1: number } }).metrics.f1;
  model = await buildReport(await openTracker({ dir: store }), experiments.main);
});
after(() => dir.cleanup());

test("a hand-logged run and an eval --log run are ranked in the study's results table", () => {
  const systems = model.results.map((row) => row.system);
  assert.ok(systems.includes("my-model"), systems.join(", "));
  assert.ok(systems.includes("sklearn-svm"), systems.join(", "));
  assert.equal(systems[0], "finetune");
  const hand = model.results.find((row) => row.system === "my-model")?.metrics.test_f1;
  const expected = seedInterval(handF1, metricRange("test_f1"));
  assert.equal(hand?.n, 3);
  assert.ok(Math.abs((hand?.mean ?? Number.NaN) - expected.mean) < 1e-12);
  const logged = model.results.find((row) => row.system === "sklearn-svm")?.metrics.test_f1;
  assert.equal(logged?.n, 1);
  assert.ok(Math.abs((logged?.mean ?? Number.NaN) - evalF1) < 1e-12);
  // Ranked: the table is sorted best first by the study's metric.
  const means = model.results.map((row) => row.metrics.test_f1?.mean ?? Number.NaN);
  assert.deepEqual(
    means,
    [...means].sort((a, b) => b - a),
  );
});

test("both outside runs get paired tests against the best system on their shared test examples", () => {
  const tests = model.tests;
  assert.ok(tests);
  assert.equal(tests.best, "finetune");
  for (const system of ["my-model", "sklearn-svm"]) {
    const comparison = tests.comparisons.find((c) => c.system === system);
    assert.ok(comparison, `${system} is tested`);
    assert.ok(comparison.difference < 0, `${system} is worse than finetune`);
    assert.ok(comparison.pAdjusted >= comparison.p);
  }
  assert.ok(!model.warnings.some((w) => /my-model|sklearn-svm/.test(w)), model.warnings.join("\n"));
});
