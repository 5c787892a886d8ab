import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

interface PredictionLine {
  split: string;
  id: string;
  y_true: string;
  y_pred: string;
  citations?: { id: string; score: number; label?: string; snippet?: string }[];
}

test("`expbook fit rag` on spam-assassin (stratified, seed 1): test_f1 >= 0.95 and `show --json` names the citations artifact", async () => {
  const store = tempDir();
  try {
    const fit = await runCli([
      "fit",
      "rag",
      "--dataset",
      "spam-assassin",
      "--split",
      "stratified",
      "--seed",
      "1",
      "--store",
      store.path,
      "--json",
    ]);
    assert.equal(fit.code, 0, fit.stderr);
    const result = JSON.parse(fit.stdout) as { runId: string; summary: Record<string, number | string> };
    assert.ok((result.summary.test_f1 as number) >= 0.95, `test_f1 ${result.summary.test_f1}`);
    assert.equal(result.summary.retriever, "bm25");
    assert.equal(typeof result.summary.test_label_precision_at_k, "number");
    const show = await runCli(["show", result.runId, "--store", store.path, "--json"]);
    assert.equal(show.code, 0, show.stderr);
    const run = JSON.parse(show.stdout) as {
      artifacts: string[];
      path: string;
      summary: Record<string, unknown>;
    };
    assert.ok(run.artifacts.includes("predictions.jsonl"));
    assert.ok(run.artifacts.includes(run.summary.kb_artifact as string));
    const lines = readFileSync(join(run.path, "artifacts", "predictions.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as PredictionLine);
    const testLines = lines.filter((line) => line.split === "test");
    assert.equal(testLines.length, result.summary.n_test);
    for (const line of testLines) {
      assert.ok(line.citations && line.citations.length > 0, `${line.id} has citations`);
      assert.ok(line.citations.length <= 10);
      assert.ok(
        line.citations.some((c) => c.label === line.y_pred),
        `${line.id}: a cited neighbour has the predicted label`,
      );
      // By id: the run's knowledge base (kb_artifact) holds the text, so the file does not repeat it.
      for (const citation of line.citations) assert.equal(citation.snippet, undefined);
    }
  } finally {
    store.cleanup();
  }
});

test("`expbook fit rag --set` rejects an unknown param with a one-line error", async () => {
  const store = tempDir();
  try {
    const fit = await runCli([
      "fit",
      "rag",
      "--dataset",
      "spam-assassin",
      "--set",
      "topK=3",
      "--store",
      store.path,
      "--json",
    ]);
    assert.equal(fit.code, 2);
    assert.match(fit.stderr, /^expbook: .*topK/m);
  } finally {
    store.cleanup();
  }
});
