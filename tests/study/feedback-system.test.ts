import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Dataset, Example } from "../../src/data/types.js";
import { feedbackSystem, InputError, tfidfLogregSystem } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { contextFor } from "../rag/context.js";

const words = {
  spam: ["free", "money", "click", "offer", "winner", "cash", "prize", "cheap"],
  ham: ["kernel", "patch", "meeting", "build", "gcc", "thanks", "review", "debian"],
  // Newer spam talks about other things: only feedback can teach them.
  newSpam: ["crypto", "wallet", "airdrop", "token", "invest", "bonus", "nft", "yield"],
};

function rows(prefix: string, n: number, seed: number, spamWords: readonly string[]): Example[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2 === 0 ? "spam" : "ham";
    const pool = label === "spam" ? spamWords : words.ham;
    const text = Array.from({ length: 4 + rng.int(6) }, () => pool[rng.int(pool.length)]).join(" ");
    return { id: `${prefix}${i}`, text: `${text} ${prefix}${i}`, label, meta: {} };
  });
}

const dataset = { task: "classification", labels: ["ham", "spam"], positiveLabel: "spam" } as Dataset;
const split = {
  train: rows("train", 80, 1, words.spam),
  val: rows("val", 20, 2, words.newSpam),
  test: rows("test", 40, 3, words.newSpam),
  update: rows("traffic", 60, 4, words.newSpam),
};

async function fit(params: Record<string, unknown>, extra: Partial<typeof split> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "expbook-feedback-"));
  try {
    const parsed = feedbackSystem.params.parse(params);
    return await feedbackSystem.run(contextFor(dataset, { ...split, ...extra }, parsed, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fitBase(train: Example[]) {
  const dir = mkdtempSync(join(tmpdir(), "expbook-feedback-"));
  try {
    const params = tfidfLogregSystem.params.parse({});
    return await tfidfLogregSystem.run(contextFor(dataset, { ...split, train, update: [] }, params, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function accuracy(predictions: { label?: string }[], truth: Example[]): number {
  return predictions.filter((p, i) => p.label === truth[i]?.label).length / truth.length;
}

test("feedback system: retrain fits the base on train plus the first share of the traffic; none ignores it; kb adds it to a rag base", async () => {
  const served = await fit({ base: "tfidf-logreg", use: "none", share: 0.5 });
  assert.deepEqual(served.testPredictions, (await fitBase(split.train)).testPredictions);
  assert.equal(served.summary?.feedback_rows, 0);

  const retrained = await fit({ base: "tfidf-logreg", use: "retrain", share: 0.25 });
  assert.equal(retrained.summary?.feedback_rows, 15);
  const direct = await fitBase([...split.train, ...split.update.slice(0, 15)]);
  assert.deepEqual(retrained.testPredictions, direct.testPredictions);
  // Feedback on the new kind of spam helps on the newer test rows.
  assert.ok(
    accuracy(retrained.testPredictions, split.test) > accuracy(served.testPredictions, split.test),
    `${accuracy(retrained.testPredictions, split.test)} vs ${accuracy(served.testPredictions, split.test)}`,
  );

  const before = await fit({ base: "rag", use: "kb", share: 0, params: { retriever: "bm25", k: 3 } });
  const after = await fit({ base: "rag", use: "kb", share: 1, params: { retriever: "bm25", k: 3 } });
  assert.equal(after.summary?.feedback_rows, 60);
  assert.ok(after.testPredictions.some((p) => p.citations?.some((c) => c.id.startsWith("traffic"))));
  assert.ok(!before.testPredictions.some((p) => p.citations?.some((c) => c.id.startsWith("traffic"))));
  assert.ok(accuracy(after.testPredictions, split.test) > accuracy(before.testPredictions, split.test));

  await assert.rejects(
    fit({ base: "tfidf-logreg", use: "kb", share: 0.5 }),
    (error: unknown) => error instanceof InputError && /tfidf-logreg has none of/.test(error.message),
  );
  await assert.rejects(
    fit({ base: "rag", use: "kb", params: { k: 0 } }),
    (error: unknown) => error instanceof InputError && /^params\.params\.k/.test(error.message),
  );
});

test("feedback system: an exported feedback file is the traffic; feedback on a scored text is dropped, an unknown label is an error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "expbook-feedback-file-"));
  try {
    const exported = split.update.slice(0, 10).map((row) => ({
      id: `req-${row.id}`,
      text: row.text,
      label: row.label,
      served_label: "ham",
    }));
    exported.push({
      id: "req-leak",
      text: split.test[0]?.text as string,
      label: "spam",
      served_label: "ham",
    });
    const file = join(dir, "feedback.jsonl");
    writeFileSync(file, exported.map((row) => `${JSON.stringify(row)}\n`).join(""));
    const output = await fit({ base: "tfidf-logreg", use: "retrain", file });
    assert.equal(output.summary?.feedback_rows, 10);
    assert.equal(output.summary?.feedback_dropped, 1);
    assert.match(String(output.summary?.feedback_file_sha256), /^[0-9a-f]{64}$/);
    const direct = await fitBase([...split.train, ...split.update.slice(0, 10)]);
    assert.deepEqual(output.testPredictions, direct.testPredictions);

    writeFileSync(file, `${JSON.stringify({ id: "x", text: "hello", label: "eggs" })}\n`);
    await assert.rejects(
      fit({ base: "tfidf-logreg", use: "retrain", file }),
      (error: unknown) =>
        error instanceof InputError && /label "eggs", not one of ham, spam/.test(error.message),
    );
    writeFileSync(file, "{not json\n");
    await assert.rejects(
      fit({ base: "tfidf-logreg", use: "retrain", file }),
      (error: unknown) => error instanceof InputError && /line 1 is not JSON/.test(error.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
