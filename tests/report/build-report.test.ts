import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { f1Score } from "../../src/metrics/index.js";
import { buildReport, type ReportModel, renderMarkdown } from "../../src/report/index.js";
import { holmBonferroni, metricRange, seedInterval } from "../../src/stats/index.js";
import { openTracker, type Tracker } from "../../src/tracker/index.js";
import { StoreError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";
import {
  experiments,
  hostile,
  ragName,
  writeFreshnessCurveStudy,
  writeSyntheticStudy,
} from "./synthetic-study.js";

const store = tempDir("expbook-report-");
let tracker: Tracker;
let model: ReportModel;

before(async () => {
  await writeSyntheticStudy(store.path);
  await writeFreshnessCurveStudy(store.path);
  tracker = await openTracker({ dir: store.path });
  model = await buildReport(tracker, experiments.main, { now: new Date("2026-01-02T03:04:05Z") });
});
after(() => store.cleanup());

test("the results table holds each system's mean and range-respecting interval over seeds, best first", async () => {
  const finals = (await tracker.runs({ experiment: experiments.main })).filter(
    (run) => run.tags.stage === "final",
  );
  assert.equal(model.metric, "test_f1");
  assert.deepEqual(model.metricColumns, ["test_f1", "test_f1_macro", "test_accuracy"]);
  assert.deepEqual(
    model.results.map((row) => row.system),
    ["finetune", ragName, "majority"],
  );
  for (const row of model.results) {
    for (const column of model.metricColumns) {
      const values = finals
        .filter((run) => run.tags.system === row.system)
        .map((run) => run.summary[column] as number);
      const expected = seedInterval(values, metricRange(column));
      const got = row.metrics[column];
      assert.ok(got, `${row.system} ${column}`);
      assert.equal(got.n, 3);
      assert.ok(Math.abs(got.mean - expected.mean) < 1e-12);
      assert.ok(Math.abs(got.low - expected.ciLow) < 1e-12);
      assert.ok(Math.abs(got.high - expected.ciHigh) < 1e-12);
    }
  }
});

test("each system is tested against the best on the same test examples, with Holm-adjusted p-values", async () => {
  const tests = model.tests;
  assert.ok(tests);
  assert.equal(tests.best, "finetune");
  assert.deepEqual(
    tests.comparisons.map((c) => c.system),
    [ragName, "majority"],
  );
  const adjusted = holmBonferroni(tests.comparisons.map((c) => c.p));
  tests.comparisons.forEach((c, i) => {
    assert.equal(c.pAdjusted, adjusted[i]);
    assert.equal(c.significant, c.pAdjusted < tests.alpha);
    assert.ok(c.low <= c.difference && c.difference <= c.high, `${c.system}: CI contains the difference`);
  });
  // The difference is binary F1 of "spam" (inferred from the recorded test_f1) pooled over seeds.
  const pooled = async (system: string) => {
    const runs = (await tracker.runs({ experiment: experiments.main })).filter(
      (run) => run.tags.stage === "final" && run.tags.system === system,
    );
    const truth: string[] = [];
    const predicted: string[] = [];
    for (const run of runs) {
      for (const line of (await tracker.readArtifact(run.id, "predictions.jsonl")).trim().split("\n")) {
        const p = JSON.parse(line) as { split: string; y_true: string; y_pred: string };
        if (p.split !== "test") continue;
        truth.push(p.y_true);
        predicted.push(p.y_pred);
      }
    }
    return f1Score(truth, predicted, { posLabel: "spam", average: "binary" });
  };
  const majority = tests.comparisons[1];
  assert.ok(majority);
  assert.ok(
    Math.abs(majority.difference - ((await pooled("majority")) - (await pooled("finetune")))) < 1e-12,
  );
  assert.ok(majority.significant, "always-ham is significantly worse than fine-tuning");
});

test("figures cover bars, forest, loss curves, the sweep, slices and confusion matrices", () => {
  assert.deepEqual(
    model.figures.map((f) => f.id),
    ["metric-bars", "forest", "loss-curves", "sweep-finetune", "slice-collection", "confusion"],
  );
  const slices = model.figures.find((f) => f.id === "slice-collection");
  const majority = slices?.spec.data.find((trace) => trace.name === "majority");
  assert.equal(
    slices?.title,
    "accuracy per collection",
    "slices use accuracy: F1 is undefined on one-class slices",
  );
  const ham = (majority?.y ?? []) as number[];
  assert.equal(ham.length, 2);
  assert.ok(
    ham.every((v) => v > 0.55 && v < 0.8),
    "always-ham is right on the ham share of each slice",
  );
  assert.deepEqual(model.predictionErrors, [], "no regression error table for a classification study");
  assert.ok(!renderMarkdown(model).includes("### Test errors"));
  const sweep = model.figures.find((f) => f.id === "sweep-finetune")?.spec.data[0];
  assert.equal((sweep?.dimensions as unknown[] | undefined)?.length, 3, "lr, optimizer, val_f1");
});

test("the error sample holds real test errors with at most 5 short citations each", () => {
  assert.ok(model.errors.length > 0 && model.errors.length <= 20);
  assert.ok(model.errorsTotal >= model.errors.length);
  for (const error of model.errors) {
    assert.notEqual(error.yTrue, error.yPred);
    assert.ok(error.citations.length <= 5);
    for (const citation of error.citations)
      assert.ok(citation.snippet !== undefined && citation.snippet.length <= 200);
  }
  assert.ok(model.errors.some((e) => e.system === ragName && e.citations.length === 5));
  assert.ok(model.errors.some((e) => e.system === "finetune" && e.citations.length === 0));
});

test("data, systems and reproducibility come from study.json and the runs' environments", () => {
  assert.equal(model.question, `Does fine-tuning beat retrieval on spam? ${hostile.script}`);
  assert.equal(model.dataset?.name, "spam-assassin");
  assert.equal(model.splits.length, 3);
  assert.equal(model.splits[0]?.fingerprints.split, "1".repeat(64));
  const finetune = model.systems.find((s) => s.name === "finetune");
  assert.equal(finetune?.swept, true);
  assert.equal(finetune?.params.lr, 0.01);
  assert.equal(finetune?.runs, 21);
  assert.equal(model.systems.find((s) => s.name === ragName)?.params.tokenizer, hostile.img);
  assert.deepEqual(model.reproducibility.seeds, [1, 2, 3]);
  assert.deepEqual(model.reproducibility.backends, ["cpu"]);
  assert.equal(model.reproducibility.commands.length, 2);
  assert.equal(model.reproducibility.node[0], process.version);
  assert.equal(model.runs.length, 28);
});

test("learning-curve and freshness runs become their figures; results use all labelled data", async () => {
  const extras = await buildReport(tracker, experiments.extras);
  assert.equal(extras.metric, "test_accuracy", "the study's reported metric");
  assert.deepEqual(
    extras.figures.map((f) => f.id),
    ["metric-bars", "learning-curve", "freshness"],
  );
  assert.deepEqual(extras.results.map((row) => row.system).sort(), [
    "finetune",
    "finetune-glove",
    "rag",
    "rag-bm25-after",
    "rag-bm25-before",
  ]);
  const runs = await tracker.runs({ experiment: experiments.extras });
  const full = runs.filter((run) => run.tags.system === "rag" && run.summary.n_labelled === undefined);
  const rag = extras.results.find((row) => row.system === "rag")?.metrics.test_accuracy;
  assert.equal(rag?.n, 2);
  assert.equal(rag?.mean, full.reduce((sum, run) => sum + (run.summary.test_accuracy as number), 0) / 2);
  const curve = extras.figures.find((f) => f.id === "learning-curve")?.spec.data[1];
  assert.deepEqual(curve?.x, [8, 32, 128, 512, 4232], "the 'all' size sits at the split's training size");
  const freshness = extras.figures.find((f) => f.id === "freshness")?.spec;
  assert.deepEqual(freshness?.data[0]?.x, ["finetune-glove", "rag-bm25"], "one group per family");
  const after = (freshness?.data[1]?.y ?? []) as (number | null)[];
  assert.equal(after[0], null, "fine-tuning has no 'after' bar");
  assert.ok((after[1] ?? 0) > 0.87, "RAG after the update");
  assert.equal(extras.tests, null);
  assert.ok(extras.warnings.some((w) => w.includes("no per-example test predictions")));
});

test("an experiment without runs is a StoreError that says what to do", async () => {
  await assert.rejects(buildReport(tracker, "no-such-study"), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.match(error.message, /no runs.*run the study first/);
    return true;
  });
});

test("the Markdown report has the same tables and no raw markup", () => {
  const md = renderMarkdown(model);
  assert.match(md, /^# Study report: synthetic-spam/m);
  assert.match(md, /\| system \| test_f1 \| test_f1_macro \| test_accuracy \|/);
  for (const row of model.results)
    assert.ok(md.includes(`| ${row.system.replace(/</g, "&lt;").replace(/>/g, "&gt;")} |`));
  assert.ok(!md.includes("<img"), "HTML in names is escaped");
  assert.ok(!md.includes("</script"), "HTML in the question is escaped");
  assert.ok(md.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.match(md, /Holm p/);
  assert.match(md, /expbook run experiments\/synthetic-spam.json/);
});

test("a re-executed study reports its latest runs only: the study run's seeds, the newest run per job", async () => {
  const dir = tempDir("expbook-report-rerun-");
  try {
    await writeSyntheticStudy(dir.path);
    const again = await openTracker({ dir: dir.path });
    const study = await again.startRun({
      experiment: experiments.main,
      name: "study",
      params: { seeds: [1, 2], quick: true },
      tags: { stage: "study" },
    });
    const first = (await tracker.runs({ experiment: experiments.main })).find(
      (run) => run.tags.stage === "study",
    );
    assert.ok(first);
    await study.artifact("study.json", await tracker.readArtifact(first.id, "study.json"));
    await study.finish();
    const rerun = await again.startRun({
      experiment: experiments.main,
      params: { kind: "majority", system: "majority" },
      tags: { study: experiments.main, system: "majority", stage: "final", selected: true },
      seed: 1,
    });
    rerun.summary({ test_f1: 0.5, test_f1_macro: 0.5, test_accuracy: 0.5 });
    await rerun.finish();
    const latest = await buildReport(again, experiments.main);
    const majority = latest.results.find((row) => row.system === "majority")?.metrics.test_f1;
    assert.equal(majority?.n, 2, "seeds 1 and 2 of the latest execution");
    assert.equal(majority?.mean, 0.25, "the re-run of seed 1 (0.5) replaces the older one, seed 2 scored 0");
    assert.deepEqual(latest.reproducibility.seeds, [1, 2]);
    assert.ok(latest.warnings.some((w) => /earlier executions/.test(w)));
  } finally {
    dir.cleanup();
  }
});
