import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";
import { fitRun, post, predictWithCli, startServer } from "./server-process.js";

interface Served {
  requestId: string;
  label: string;
  scores: Record<string, number>;
  citations: { id: string; score: number; label?: string; snippet: string }[];
}

const queries = [
  "Click here to claim your FREE prize, limited offer, unsubscribe below",
  "The kernel build fails with gcc 3.2 on my debian box, any patch?",
  "Cheap meds online no prescription needed",
  "Minutes of yesterday's meeting and the release schedule",
  "Make money fast working from home!!!",
  "Re: perl module for parsing mail headers",
];

test("expbook serve on a rag run: predictions and citations equal expbook predict; /documents changes the next prediction and the citation names the new id", async () => {
  const dir = tempDir();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const store = join(dir.path, "store");
    const runId = await fitRun(store, [
      "rag",
      "--dataset",
      "spam-assassin",
      "--labelled",
      "600",
      "--set",
      "k=5",
    ]);
    const offline = await predictWithCli(store, runId, dir.path, queries);
    server = await startServer(runId, store);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);

    const replies = await Promise.all(queries.map((text) => post(`${server?.url}/predict`, { text })));
    for (const [i, reply] of replies.entries()) {
      assert.equal(reply.status, 200, reply.text);
      const got = reply.json as unknown as Served;
      const expected = offline[i];
      assert.equal(got.label, expected?.label, queries[i]);
      assert.deepEqual(
        got.citations.map((c) => c.id),
        expected?.citations?.map((c) => c.id),
      );
      assert.ok(got.citations.length > 0 && got.citations.length <= 5);
      for (const citation of got.citations) {
        assert.ok(citation.label === "spam" || citation.label === "ham");
        assert.ok(citation.snippet.length <= 200);
      }
    }

    // A query no document shares a term with: the fallback label, no citations.
    const query = "zorblax quindle frobnitz wumpus";
    const before = (await post(`${server.url}/predict`, { text: query })).json as unknown as Served;
    assert.deepEqual(before.citations, []);
    const flipped = before.label === "spam" ? "ham" : "spam";
    const add = await post(`${server.url}/documents`, {
      id: "fresh-1",
      text: `${query} today`,
      label: flipped,
    });
    assert.equal(add.status, 200, add.text);
    assert.equal(add.json.added, 1);
    const size = add.json.size as number;
    const after = (await post(`${server.url}/predict`, { text: query })).json as unknown as Served;
    assert.equal(after.label, flipped);
    assert.equal(after.citations[0]?.id, "fresh-1");
    assert.equal(after.citations[0]?.label, flipped);

    // Replacing it keeps the size; deleting it restores the old answer; deleting again is a 404.
    const update = await post(`${server.url}/documents`, {
      documents: [{ id: "fresh-1", text: query, label: before.label }],
    });
    assert.equal(update.status, 200, update.text);
    assert.deepEqual(update.json, { added: 0, updated: 1, size });
    const updated = (await post(`${server.url}/predict`, { text: query })).json as unknown as Served;
    assert.equal(updated.label, before.label);
    const removed = await post(`${server.url}/documents/fresh-1`, undefined, {
      method: "DELETE",
      contentType: "",
    });
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.json.size, size - 1);
    const gone = (await post(`${server.url}/predict`, { text: query })).json as unknown as Served;
    assert.deepEqual(gone.citations, []);
    const again = await post(`${server.url}/documents/fresh-1`, undefined, {
      method: "DELETE",
      contentType: "",
    });
    assert.equal(again.status, 404);
    assert.match(again.json.error as string, /no document "fresh-1"/);
    const unlabelled = await post(`${server.url}/documents`, { id: "x", text: "hello" });
    assert.equal(unlabelled.status, 400);
    assert.match(unlabelled.json.error as string, /needs a label, one of ham, spam/);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`^expbook_knowledge_base_documents ${size - 1}$`, "m"));
    assert.match(metrics, /^expbook_predictions_total 10$/m);
    assert.match(metrics, /expbook_http_request_duration_seconds_count\{route="\/predict"\} 10/);

    // Knowledge-base changes are in the record even after a SIGKILL.
    await server.stop("SIGKILL");
    const show = await runCli(["show", server.deployment, "--store", store, "--json"]);
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout) as {
      deployment: { predictions: number; documents: { added: number; updated: number; removed: number } };
    };
    assert.deepEqual(shown.deployment.documents, { added: 1, updated: 1, removed: 1 });
  } finally {
    await server?.stop();
    dir.cleanup();
  }
});
