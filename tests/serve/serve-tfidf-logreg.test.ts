import assert from "node:assert/strict";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";
import { fitRun, post, predictWithCli, startServer } from "./server-process.js";

interface Served {
  requestId: string;
  label: string;
  scores: Record<string, number>;
}

const queries = [
  "Click here to claim your FREE prize, limited offer, unsubscribe below",
  "The kernel build fails with gcc 3.2 on my debian box, any patch?",
  "Cheap meds online no prescription needed",
  "Minutes of yesterday's meeting and the release schedule",
  "Make money fast working from home!!!",
  "Re: perl module for parsing mail headers",
  "zorblax quindle frobnitz wumpus",
  "",
];

test("expbook serve on a tfidf-logreg run: the saved vocabulary, idf and weights answer over HTTP exactly as expbook predict; a run without its model file is a one-line error", async () => {
  const dir = tempDir();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const store = join(dir.path, "store");
    const runId = await fitRun(store, ["tfidf-logreg", "--dataset", "spam-assassin", "--labelled", "400"]);
    const shown = JSON.parse((await runCli(["show", runId, "--store", store, "--json"])).stdout) as {
      artifacts: string[];
    };
    assert.ok(shown.artifacts.includes("tfidf-logreg.json.gz"), shown.artifacts.join(", "));

    const offline = await predictWithCli(store, runId, dir.path, queries);
    assert.deepEqual(new Set(offline.map((p) => p.label)), new Set(["spam", "ham"]));
    server = await startServer(runId, store);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { kind: string };
    assert.equal(health.kind, "tfidf-logreg");

    const single = await Promise.all(queries.map((text) => post(`${server?.url}/predict`, { text })));
    const batch = await post(`${server.url}/predict`, { inputs: queries.map((text) => ({ text })) });
    assert.equal(batch.status, 200, batch.text);
    const batched = batch.json.predictions as Served[];
    for (const [i, expected] of offline.entries()) {
      const reply = single[i];
      assert.equal(reply?.status, 200, reply?.text);
      for (const got of [reply?.json as unknown as Served, batched[i]]) {
        assert.equal(got?.label, expected.label, queries[i]);
        // Same model, same arithmetic: the probabilities are equal, not merely close.
        assert.deepEqual(got?.scores, expected.scores, queries[i]);
      }
    }
    const noKb = await post(`${server.url}/documents`, { id: "d", text: "x", label: "spam" });
    assert.equal(noKb.status, 404);
    assert.match(noKb.json.error as string, /tfidf-logreg run with no knowledge base/);
    const first = single[0]?.json as unknown as Served;
    const feedback = await post(`${server.url}/feedback`, { requestId: first.requestId, label: "spam" });
    assert.equal(feedback.status, 200, feedback.text);
    await server.stop("SIGTERM");

    // A run whose model file is gone: one line naming the run and what to do, no stack.
    const saved = readdirSync(store, { recursive: true, encoding: "utf8" }).filter(
      (path) => path.includes(runId) && path.endsWith("tfidf-logreg.json.gz"),
    );
    assert.equal(saved.length, 1, saved.join(", "));
    rmSync(join(store, saved[0] as string));
    const input = join(dir.path, `predict-${runId}.jsonl`);
    const broken = await runCli(["predict", runId, "--input", input, "--store", store]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr.trim(), /^[^\n]*no fitted model at [^\n]*fit it again[^\n]*$/);
  } finally {
    await server?.stop();
    dir.cleanup();
  }
});

test("a feedback run is served as its base system: the model refitted on train plus exported feedback answers from what the feedback taught it", async () => {
  const dir = tempDir();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const store = join(dir.path, "store");
    const query = "zorblax quindle frobnitz wumpus";
    const base = await fitRun(store, ["tfidf-logreg", "--dataset", "spam-assassin", "--labelled", "300"]);
    const [before] = await predictWithCli(store, base, dir.path, [query]);
    const taught = before?.label === "spam" ? "ham" : "spam";
    // Feedback as `expbook feedback` exports it: users said the unseen words are the other class.
    const file = join(dir.path, "feedback.jsonl");
    writeFileSync(
      file,
      Array.from(
        { length: 40 },
        (_, i) =>
          `${JSON.stringify({ id: `r${i}`, text: `${query} ${i}`, label: taught, served_label: before?.label })}\n`,
      ).join(""),
    );
    const refit = await fitRun(store, [
      "feedback",
      "--dataset",
      "spam-assassin",
      "--labelled",
      "300",
      "--set",
      "base=tfidf-logreg",
      "--set",
      "use=retrain",
      "--set",
      `file=${file}`,
    ]);
    const [after] = await predictWithCli(store, refit, dir.path, [query]);
    assert.equal(after?.label, taught);
    server = await startServer(refit, store);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { kind: string; run: string };
    assert.deepEqual([health.kind, health.run], ["tfidf-logreg", refit]);
    const reply = await post(`${server.url}/predict`, { text: query });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.label, taught);
    assert.deepEqual(reply.json.scores, after?.scores);
  } finally {
    await server?.stop();
    dir.cleanup();
  }
});
