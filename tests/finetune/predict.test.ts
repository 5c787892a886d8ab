import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

test("expbook fit finetune logs a run with the model artifact; expbook predict loads it and predicts", async () => {
  const dir = tempDir();
  try {
    const store = join(dir.path, "store");
    const fit = await runCli([
      "fit",
      "finetune",
      "--dataset",
      "spam-assassin",
      "--labelled",
      "400",
      "--set",
      "epochs=2",
      "--set",
      "minSteps=0",
      "--store",
      store,
      "--json",
    ]);
    assert.equal(fit.code, 0, fit.stderr);
    const result = JSON.parse(fit.stdout) as {
      runId: string;
      status: string;
      backend: string;
      summary: Record<string, unknown>;
    };
    assert.equal(result.status, "finished");
    assert.equal(result.summary.backend, result.backend);
    assert.equal(typeof result.summary.test_f1, "number");
    assert.equal(result.summary.epochs_run, 2);
    assert.equal(result.summary.steps, 14, "400 rows in batches of 64: 7 steps an epoch");

    const input = join(dir.path, "in.jsonl");
    writeFileSync(
      input,
      `${JSON.stringify({ id: "a", text: "FREE money!!! click here to claim your prize, unsubscribe" })}\n` +
        `${JSON.stringify({ text: "Does anyone know why the kernel build fails with gcc 3.2?" })}\n`,
    );
    const out = join(dir.path, "out.jsonl");
    const predict = await runCli([
      "predict",
      result.runId.slice(0, 20),
      "--input",
      input,
      "--out",
      out,
      "--store",
      store,
      "--json",
    ]);
    assert.equal(predict.code, 0, predict.stderr);
    const summary = JSON.parse(predict.stdout) as { runId: string; count: number };
    assert.equal(summary.runId, result.runId);
    assert.equal(summary.count, 2);
    const rows = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      rows.map((row) => row.id),
      ["a", "row-2"],
    );
    for (const row of rows) {
      assert.ok(row.label === "spam" || row.label === "ham");
      assert.ok(Math.abs(row.scores.spam + row.scores.ham - 1) < 1e-9);
    }

    const missing = await runCli(["predict", "no-such-run", "--input", input, "--store", store]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^expbook: /);
    const noInput = await runCli(["predict", result.runId, "--store", store]);
    assert.equal(noInput.code, 2);
    assert.match(noInput.stderr, /--input/);
  } finally {
    dir.cleanup();
  }
});
