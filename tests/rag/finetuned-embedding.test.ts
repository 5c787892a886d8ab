import assert from "node:assert/strict";
import { dirname } from "node:path";
import { test } from "node:test";
import { loadDataset, loadFinetunedEmbedder, makeSplit, openTracker, tokenize } from "../../src/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

const spamSplit = (seed: string) => ["--dataset", "spam-assassin", "--split", "stratified", "--seed", seed];

async function fitJson(args: string[]) {
  const fit = await runCli(["fit", ...args, "--json"]);
  assert.equal(fit.code, 0, fit.stderr);
  return JSON.parse(fit.stdout) as { runId: string; summary: Record<string, number | string> };
}

test("dense RAG over a fine-tuned run's pooled embedding: cites neighbours, checks the run, and refuses a run of another split", async () => {
  const store = tempDir();
  try {
    const finetune = await fitJson([
      "finetune",
      ...spamSplit("1"),
      "--set",
      "epochs=2",
      "--store",
      store.path,
    ]);
    const rag = await fitJson([
      "rag",
      ...spamSplit("1"),
      "--set",
      "retriever=dense",
      "--set",
      `embeddingRun=${finetune.runId.slice(0, -4)}`,
      "--store",
      store.path,
    ]);
    assert.equal(rag.summary.embedder, `finetuned:${finetune.runId}`);
    // Mean GloVe vectors reach 0.919 here; the fine-tuned table separates the classes far better.
    assert.ok((rag.summary.test_f1 as number) >= 0.95, `test_f1 ${rag.summary.test_f1}`);

    // Through the API: the embedding of a training e-mail retrieves that e-mail's own vector first.
    const tracker = await openTracker({ dir: store.path });
    const embedder = await loadFinetunedEmbedder(
      dirname(await tracker.artifactFile(finetune.runId, "model.json")),
      "finetuned",
    );
    try {
      const split = makeSplit(await loadDataset("spam-assassin"), { strategy: "stratified", seed: 1 });
      const texts = split.train.slice(0, 5).map((row) => tokenize(row.text ?? ""));
      const vectors = texts.map((tokens) => embedder.embed(tokens));
      assert.equal(vectors[0]?.length, embedder.dim);
      assert.deepEqual(embedder.embed(texts[0] as string[]), vectors[0]);
      assert.ok(vectors.every((vector) => vector.some((x) => x !== 0)));
    } finally {
      embedder.dispose();
    }

    // The run must be a finished finetune run of the same split; BM25 has no embedding to replace.
    for (const [args, pattern] of [
      [
        [...spamSplit("2"), "--set", "retriever=dense", "--set", `embeddingRun=${finetune.runId}`],
        /another split/,
      ],
      [[...spamSplit("1"), "--set", "retriever=dense", "--set", `embeddingRun=${rag.runId}`], /finetune run/],
      [[...spamSplit("1"), "--set", "retriever=dense", "--set", "embeddingRun=zzzz"], /zzzz/],
      [
        [...spamSplit("1"), "--set", `embeddingRun=${finetune.runId}`],
        /embeddingRun needs retriever dense or hybrid/,
      ],
    ] as const) {
      const bad = await runCli(["fit", "rag", ...args, "--store", store.path]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, pattern);
      assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
      assert.doesNotMatch(bad.stderr, /\n\s+at /);
    }
  } finally {
    store.cleanup();
  }
});
