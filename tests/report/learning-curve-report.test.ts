import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { summaryTable } from "../../src/cli/summary-table.js";
import { scoreClassification } from "../../src/metrics/index.js";
import { buildReport, type ReportModel, renderMarkdown } from "../../src/report/index.js";
import { holmBonferroni, seedIntervalMethod } from "../../src/stats/index.js";
import { openTracker } from "../../src/tracker/index.js";
import { tempDir } from "../helpers/cli.js";
import { curveAccuracy, curveExperiment, writeLearningCurveStudy } from "./synthetic-study.js";

const store = tempDir("expbook-curve-report-");
let model: ReportModel;
const systems = Object.keys(curveAccuracy).sort();

before(async () => {
  await writeLearningCurveStudy(store.path);
  const tracker = await openTracker({ dir: store.path });
  model = await buildReport(tracker, curveExperiment, { now: new Date("2026-01-02T03:04:05Z") });
  await tracker.close();
});
after(() => store.cleanup());

test("a learning-curve report has one results block per budget, in the order the curve grows", () => {
  assert.deepEqual(
    model.budgets.map((b) => b.budget),
    ["8", "32", "128", "512", "all"],
  );
  for (const b of model.budgets) {
    assert.deepEqual(b.rows.map((row) => row.system).sort(), systems, `budget ${b.budget}`);
    const means = b.rows.map((row) => row.metrics.test_f1?.mean ?? Number.NaN);
    assert.deepEqual(
      means,
      [...means].sort((x, y) => y - x),
      `budget ${b.budget} is ranked best first`,
    );
    for (const row of b.rows) {
      const estimate = row.metrics.test_f1;
      assert.ok(estimate, `${row.system} at ${b.budget}`);
      assert.equal(estimate.n, 3);
      assert.ok(Number.isFinite(estimate.std) && (estimate.std ?? -1) >= 0, "the seed std is there");
      assert.ok(estimate.low >= 0 && estimate.high <= 1, `${row.system} at ${b.budget}: inside [0, 1]`);
      assert.ok(estimate.low <= estimate.mean && estimate.mean <= estimate.high);
    }
  }
  assert.equal(model.intervalMethod, seedIntervalMethod);
});

test("paired tests compare systems within each budget, Holm-corrected within the budget", async () => {
  const tracker = await openTracker({ dir: store.path });
  const runs = await tracker.runs({ experiment: curveExperiment });
  const pooled = async (system: string, budget: string) => {
    const chosen = runs.filter(
      (run) =>
        run.tags.system === system &&
        (budget === "all" ? run.summary.n_labelled === undefined : run.summary.n_labelled === Number(budget)),
    );
    const byKey = new Map<string, { truth: string; pred: string }>();
    for (const run of chosen) {
      const text = String(await tracker.readArtifact(run.id, "predictions.jsonl"));
      for (const line of text.trim().split("\n")) {
        const row = JSON.parse(line) as { id: string; y_true: string; y_pred: string };
        byKey.set(`${run.seed}/${row.id}`, { truth: row.y_true, pred: row.y_pred });
      }
    }
    return byKey;
  };
  for (const b of model.budgets) {
    const tests = b.tests;
    assert.ok(tests, `budget ${b.budget} has paired tests`);
    assert.equal(tests.best, b.rows[0]?.system);
    assert.equal(tests.metric, "test_f1");
    assert.deepEqual(
      tests.comparisons.map((c) => c.system).sort(),
      systems.filter((s) => s !== tests.best),
    );
    const adjusted = holmBonferroni(tests.comparisons.map((c) => c.p));
    tests.comparisons.forEach((c, i) => {
      assert.ok(Math.abs(c.pAdjusted - (adjusted[i] as number)) < 1e-12, "Holm over this budget only");
    });
    const best = await pooled(tests.best, b.budget);
    for (const c of tests.comparisons) {
      const other = await pooled(c.system, b.budget);
      const keys = [...best.keys()];
      const f1 = (source: Map<string, { truth: string; pred: string }>) =>
        scoreClassification(
          keys.map((key) => source.get(key)?.truth ?? ""),
          keys.map((key) => source.get(key)?.pred ?? ""),
          { labels: ["ham", "spam"], positiveLabel: "spam" },
        ).f1;
      assert.ok(Math.abs(c.difference - (f1(other) - f1(best))) < 1e-12, `${c.system} − best at ${b.budget}`);
    }
  }
  await tracker.close();
  // The planted curve: few-shot wins the smallest budget, fine-tuning the largest, both clearly.
  const at = (budget: string) => model.budgets.find((b) => b.budget === budget);
  assert.equal(at("8")?.tests?.best, "fewshot");
  assert.equal(at("all")?.tests?.best, "finetune");
  assert.ok(at("8")?.tests?.comparisons.find((c) => c.system === "finetune")?.significant);
  assert.ok(at("all")?.tests?.comparisons.find((c) => c.system === "fewshot")?.significant);
});

test("the answer says in words at which budget each system is best and what is significant", () => {
  const answer = renderMarkdown(model);
  for (const b of model.budgets) {
    const best = b.tests?.best ?? "";
    const line = answer.split("\n").find((l) => l.startsWith(`- At ${b.budget} labels: `));
    assert.ok(line, `an answer line for ${b.budget} labels`);
    assert.ok(line.includes(`${best} is best`), line);
    for (const c of b.tests?.comparisons ?? []) {
      const phrase = c.significant ? "significantly ahead of" : "not significantly different from";
      const clause = line.slice(line.indexOf(phrase));
      assert.ok(line.includes(phrase) && clause.includes(c.system), `${c.system} at ${b.budget}: ${line}`);
    }
    assert.match(line, /Holm within the budget/);
  }
  for (const system of systems) {
    const won = model.budgets.filter((b) => b.tests?.best === system).map((b) => `${b.budget} labels`);
    const line = answer.split("\n").find((l) => l.startsWith(`- ${system} across budgets: `));
    assert.ok(line, `an answer line for ${system}`);
    if (won.length === 0) assert.match(line, /best system at no budget/);
    for (const budget of won) assert.ok(line.includes(budget), `${system} wins at ${budget}: ${line}`);
  }
  assert.match(answer, /### Results by budget/);
  assert.ok(answer.includes("Intervals: Student-t 95% interval over seeds on a scale"));
});

test("the terminal summary has one row per system × budget with the seed std", () => {
  const lines = summaryTable(model).split("\n");
  assert.match(lines[0] ?? "", /^labels\s+system\s+test_f1\s+95% CI \(seeds\)\s+std\s+seeds/);
  for (const b of model.budgets) {
    for (const row of b.rows) {
      const estimate = row.metrics.test_f1;
      const line = lines.find((l) => l.split(/\s+/)[0] === b.budget && l.split(/\s+/)[1] === row.system);
      assert.ok(line, `${row.system} at ${b.budget}`);
      assert.ok(line.includes((estimate?.std ?? Number.NaN).toFixed(4)), line);
      assert.ok(line.includes(`[${estimate?.low.toFixed(4)}, ${estimate?.high.toFixed(4)}]`), line);
    }
  }
  assert.equal(lines.filter((l) => /^(8|32|128|512|all)\s/.test(l)).length, 15);
  assert.ok(lines.some((l) => l.includes("within each budget")));
});
