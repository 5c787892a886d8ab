import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";
import { fitRun, post, startServer } from "./server-process.js";

interface Served {
  label: string;
  citations: { id: string; label?: string }[];
}

const unseen = "zorblax quindle frobnitz wumpus";
const other = "plinth gromble sastrugi vexillology";
const known = "Click here to claim your FREE prize, limited offer, unsubscribe below";

async function predict(url: string, text: string): Promise<Served> {
  const reply = await post(`${url}/predict`, { text });
  assert.equal(reply.status, 200, reply.text);
  return reply.json as unknown as Served;
}

async function kbSize(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const match = /^expbook_knowledge_base_documents (\d+)$/m.exec(metrics);
  assert.ok(match, metrics);
  return Number(match[1]);
}

function remove(url: string, id: string) {
  return post(`${url}/documents/${encodeURIComponent(id)}`, undefined, { method: "DELETE", contentType: "" });
}

test("a restarted rag server replays the knowledge-base changes of earlier deployments (even one SIGKILLed); --no-replay starts from the run's own base", async () => {
  const dir = tempDir();
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  const start = async (runId: string, store: string, extra: string[] = []) => {
    const server = await startServer(runId, store, extra);
    servers.push(server);
    return server;
  };
  try {
    const store = join(dir.path, "store");
    const runId = await fitRun(store, [
      "rag",
      "--dataset",
      "spam-assassin",
      "--labelled",
      "300",
      "--set",
      "k=3",
    ]);

    // First deployment: add two documents, update one, remove a document of the run's own base.
    const first = await start(runId, store);
    const original = await kbSize(first.url);
    const baseline = await predict(first.url, unseen);
    assert.deepEqual(baseline.citations, []);
    const flipped = baseline.label === "spam" ? "ham" : "spam";
    const cited = (await predict(first.url, known)).citations[0]?.id;
    assert.ok(cited !== undefined);
    const added = await post(`${first.url}/documents`, {
      documents: [
        { id: "fresh-1", text: unseen, label: flipped },
        { id: "fresh-2", text: other, label: flipped },
      ],
    });
    assert.equal(added.status, 200, added.text);
    const updated = await post(`${first.url}/documents`, {
      id: "fresh-2",
      text: other,
      label: baseline.label,
    });
    assert.equal(updated.status, 200, updated.text);
    assert.equal((await remove(first.url, cited)).status, 200);
    const knownBefore = (await predict(first.url, known)).citations.map((c) => c.id);
    assert.ok(!knownBefore.includes(cited));
    // Every change above was acknowledged, so a SIGKILL loses none of them.
    await first.stop("SIGKILL");

    const second = await start(runId, store);
    assert.equal(await kbSize(second.url), original + 1);
    const replayed = await predict(second.url, unseen);
    assert.equal(replayed.label, flipped);
    assert.equal(replayed.citations[0]?.id, "fresh-1");
    const updatedDoc = await predict(second.url, other);
    assert.equal(updatedDoc.citations[0]?.id, "fresh-2");
    assert.equal(updatedDoc.citations[0]?.label, baseline.label);
    assert.deepEqual(
      (await predict(second.url, known)).citations.map((c) => c.id),
      knownBefore,
    );
    assert.equal((await remove(second.url, "fresh-1")).status, 200);
    await second.stop("SIGTERM");

    // The third deployment replays both earlier ones, in order: fresh-1 added, then removed.
    const third = await start(runId, store);
    assert.equal(await kbSize(third.url), original);
    const gone = await predict(third.url, unseen);
    assert.deepEqual(gone.citations, []);
    assert.equal(gone.label, baseline.label);
    const shown = await runCli(["show", third.deployment, "--store", store, "--json"]);
    assert.equal(shown.code, 0, shown.stderr);
    const params = (JSON.parse(shown.stdout) as { params: Record<string, unknown> }).params;
    assert.deepEqual(params.replayedDeployments, [first.deployment, second.deployment]);
    assert.equal(params.replayedChanges, 5);
    assert.match(third.stderr(), /replayed 5 knowledge-base changes from 2 earlier deployments/);
    await third.stop("SIGTERM");

    // --no-replay: the run's own base, as fitted (the removed document is back, fresh-2 is not there).
    const fresh = await start(runId, store, ["--no-replay"]);
    assert.equal(await kbSize(fresh.url), original);
    assert.ok((await predict(fresh.url, known)).citations.some((c) => c.id === cited));
    assert.deepEqual((await predict(fresh.url, other)).citations, []);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    dir.cleanup();
  }
});
