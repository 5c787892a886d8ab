// Every shipped study, run for real through `expbook run` (--quick, at least 2 seeds; the default study
// with its 3 seeds): no interval in its summary or report may pass the metric's range (F1 ≤ 1, MAE ≥ 0).
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { summaryTable } from "../../src/cli/summary-table.js";
import { buildReport } from "../../src/report/index.js";
import type { Estimate } from "../../src/report/figure-spec.js";
import { metricRange } from "../../src/stats/index.js";
import { openTracker } from "../../src/tracker/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

const store = tempDir("expbook-shipped-intervals-");
after(() => store.cleanup());

interface RunOutput {
  experiment: string;
  failed: unknown[];
  results: { system: string; metrics: Record<string, Estimate> }[];
  budgets: { budget: string; rows: { system: string; metrics: Record<string, Estimate> }[] }[];
}

function assertInside(where: string, metric: string, estimate: Estimate): void {
  const range = metricRange(metric);
  assert.ok(estimate.mean >= range.low && estimate.mean <= range.high, `${where} ${metric} mean`);
  if (estimate.n < 2) return;
  assert.ok(
    estimate.low >= range.low && estimate.high <= range.high,
    `${where} ${metric}: [${estimate.low}, ${estimate.high}] passes [${range.low}, ${range.high}]`,
  );
  assert.ok(
    estimate.low <= estimate.mean && estimate.mean <= estimate.high,
    `${where} ${metric} holds its mean`,
  );
}

/** Every "[low, high]" the terminal summary prints lies inside the metric's range. */
function assertSummaryInside(text: string, metric: string): number {
  const range = metricRange(metric);
  let count = 0;
  for (const match of text.matchAll(/\[(-?\d+\.\d+), (-?\d+\.\d+)\]/g)) {
    const [low, high] = [Number(match[1]), Number(match[2])];
    assert.ok(
      low >= range.low && high <= range.high,
      `summary interval ${match[0]} passes ${metric}'s range`,
    );
    count++;
  }
  return count;
}

const studies: { file: string; args: string[] }[] = [
  { file: "spam-ft-vs-rag", args: ["--quick", "--seeds", "3"] },
  { file: "spam-learning-curve", args: ["--quick", "--seeds", "2"] },
  { file: "sotu-year", args: ["--quick", "--seeds", "2"] },
  { file: "spam-freshness", args: ["--quick", "--seeds", "2"] },
  { file: "spam-sweep", args: ["--quick", "--seeds", "2"] },
];

for (const study of studies) {
  test(`${study.file} ${study.args.join(" ")}: every interval in its summary and report stays in range`, async () => {
    const ran = await runCli([
      "run",
      `experiments/${study.file}.json`,
      ...study.args,
      "--store",
      store.path,
      "--no-report",
      "--json",
    ]);
    assert.equal(ran.code, 0, ran.stderr.slice(-2000));
    const outcome = JSON.parse(ran.stdout) as RunOutput;
    const tracker = await openTracker({ dir: store.path });
    const model = await buildReport(tracker, outcome.experiment);
    await tracker.close();
    assert.ok(model.results.length >= 2, "a study compares systems");
    let checked = 0;
    for (const row of model.results) {
      for (const [metric, estimate] of Object.entries(row.metrics)) {
        assertInside(row.system, metric, estimate);
        if (estimate.n >= 2) checked++;
      }
    }
    for (const budget of model.budgets) {
      for (const row of budget.rows) {
        for (const [metric, estimate] of Object.entries(row.metrics)) {
          assertInside(`${row.system} at ${budget.budget}`, metric, estimate);
        }
      }
    }
    assert.ok(checked > 0, "intervals over at least 2 seeds were checked");
    const printed = assertSummaryInside(summaryTable(model), model.metric);
    assert.ok(printed >= model.results.length, "the summary prints an interval per row");
    if (study.file === "spam-learning-curve")
      assert.deepEqual(
        model.budgets.map((b) => b.budget),
        ["8", "32", "128"],
      );
  });
}
