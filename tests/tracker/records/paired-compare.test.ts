import assert from "node:assert/strict";
import { test } from "node:test";
import { comparePaired, holmBonferroni, openTracker, writePredictionRows } from "../../../src/index.js";
import { createRng } from "../../../src/util/random.js";
import { runCli, tempDir } from "../../helpers/cli.js";

test("tracker.compare(ids, { paired: true }) returns the CLI's paired tests, and calls share no state", async () => {
  const store = tempDir();
  try {
    const tracker = await openTracker({ dir: store.path });
    const rng = createRng(31);
    const ids = Array.from({ length: 160 }, (_, i) => `e${i}`);
    const truth = ids.map(() => (rng.next() < 0.35 ? "spam" : "ham"));
    const flip = (y: string) => (y === "spam" ? "ham" : "spam");
    const predictions: string[][] = [];
    const runIds: string[] = [];
    for (const [k, accuracy] of [0.92, 0.85, 0.6].entries()) {
      const predicted = truth.map((y) => (rng.next() < accuracy ? y : flip(y)));
      predictions.push(predicted);
      const run = await tracker.startRun({ experiment: "paired", name: `system ${k}`, params: { k } });
      await writePredictionRows(
        run,
        ids.map((id, i) => ({
          split: "test",
          id,
          y_true: truth[i] as string,
          y_pred: predicted[i] as string,
        })),
      );
      run.summary({ positive_label: "spam" });
      await run.finish();
      runIds.push(run.id);
    }
    // A run without predictions is compared on params and metrics, and left out of the paired table.
    const bare = await tracker.startRun({ experiment: "paired", name: "no predictions" });
    await bare.finish();

    const api = await tracker.compare([...runIds, bare.id], { paired: true });
    assert.equal(api.sections.length, 1);
    const cli = await runCli(["compare", ...runIds, bare.id, "--json", "--store", store.path]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), JSON.parse(JSON.stringify(api)));

    // The numbers are those of comparePaired on the shared rows, with Holm across the comparisons.
    const direct = [1, 2].map((k) =>
      comparePaired({
        yTrue: truth,
        predA: predictions[0] as string[],
        predB: predictions[k] as string[],
        task: "classification",
        labels: ["ham", "spam"],
        positiveLabel: "spam",
        metric: "f1",
        seed: 0,
      }),
    );
    const holm = holmBonferroni(direct.map((d) => d.permutationP));
    const [section] = api.sections;
    assert.deepEqual(section?.columns.slice(-3), ["McNemar p", "permutation p", "Holm p"]);
    section?.rows.forEach((row, i) => {
      const d = direct[i];
      assert.ok(d);
      const round = (value: number) => Number(value.toPrecision(4));
      assert.equal(row[1], d.n);
      assert.equal(row[5], round(d.difference));
      assert.equal(row[6], `[${round(d.ci.low)}, ${round(d.ci.high)}]`);
      assert.equal(row[7], round(d.mcnemar?.pValue ?? Number.NaN));
      assert.equal(row[8], round(d.permutationP));
      assert.equal(row[9], round(holm[i] as number));
    });

    // No hook state: repeated calls give the same single table; without `paired` there is none.
    assert.deepEqual(await tracker.compare([...runIds, bare.id], { paired: true }), api);
    assert.deepEqual((await tracker.compare(runIds)).sections, []);
    await tracker.close();
  } finally {
    store.cleanup();
  }
});
