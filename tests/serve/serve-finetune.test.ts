import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createRng } from "../../src/util/random.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { fitRun, post, predictWithCli, startServer } from "./server-process.js";

const spamWords = [
  "free",
  "money",
  "click",
  "offer",
  "winner",
  "cash",
  "unsubscribe",
  "prize",
  "cheap",
  "deal",
];
const hamWords = [
  "kernel",
  "patch",
  "meeting",
  "build",
  "gcc",
  "thanks",
  "review",
  "list",
  "debian",
  "release",
];

function texts(n: number, seed: number): string[] {
  const rng = createRng(seed);
  const words = [...spamWords, ...hamWords];
  return Array.from({ length: n }, () =>
    Array.from({ length: 3 + rng.int(12) }, () => words[rng.int(words.length)]).join(" "),
  );
}

test("expbook serve on a finetune run: HTTP predictions equal expbook predict; acknowledged feedback survives SIGKILL; SIGTERM drains", async () => {
  const dir = tempDir();
  const servers: { stop: () => Promise<unknown> }[] = [];
  try {
    const store = join(dir.path, "store");
    const runId = await fitRun(store, [
      "finetune",
      "--dataset",
      "spam-assassin",
      "--labelled",
      "300",
      "--set",
      "epochs=1",
      "--set",
      "init=random",
    ]);
    const inputs = texts(30, 3);
    const offline = await predictWithCli(store, runId, dir.path, inputs);

    const server = await startServer(runId, store);
    servers.push(server);
    // One at a time, then all at once (batched by the server), then as one batch request.
    const served: { requestId: string; label: string; scores: Record<string, number> }[] = [];
    for (const text of inputs.slice(0, 10)) {
      const reply = await post(`${server.url}/predict`, { text });
      assert.equal(reply.status, 200, reply.text);
      served.push(reply.json as never);
    }
    const concurrent = await Promise.all(
      inputs.slice(10).map((text) => post(`${server.url}/predict`, { text })),
    );
    for (const reply of concurrent) {
      assert.equal(reply.status, 200, reply.text);
      served.push(reply.json as never);
    }
    const batch = await post(`${server.url}/predict`, { inputs: inputs.map((text) => ({ text })) });
    assert.equal(batch.status, 200, batch.text);
    const batched = batch.json.predictions as typeof served;
    for (const [i, expected] of offline.entries()) {
      for (const got of [served[i], batched[i]]) {
        assert.equal(got?.label, expected.label, `input ${i}: ${inputs[i]}`);
        for (const [label, score] of Object.entries(expected.scores ?? {})) {
          assert.ok(Math.abs((got?.scores[label] ?? Number.NaN) - score) < 1e-6, `input ${i} score ${label}`);
        }
      }
    }
    assert.equal(new Set(served.map((reply) => reply.requestId)).size, served.length);

    // Feedback for every served request; SIGKILL once half are acknowledged.
    const all = [...served, ...batched];
    const acknowledged: string[] = [];
    const sent = all.map(async (reply, i) => {
      try {
        const result = await post(`${server.url}/feedback`, {
          requestId: reply.requestId,
          label: i % 3 === 0 ? "spam" : "ham",
        });
        if (result.status === 200) acknowledged.push(reply.requestId);
      } catch {
        // the server was killed before answering: not acknowledged
      }
      if (acknowledged.length === Math.floor(all.length / 2)) server.child.kill("SIGKILL");
    });
    await Promise.all(sent);
    const killed = await server.exited;
    assert.equal(killed.signal, "SIGKILL");
    assert.ok(acknowledged.length >= all.length / 2, `${acknowledged.length} acknowledged`);

    const out = join(dir.path, "feedback");
    const exported = await runCli(["feedback", server.deployment, "--out", out, "--store", store, "--json"]);
    assert.equal(exported.code, 0, exported.stderr);
    const summary = JSON.parse(exported.stdout) as {
      servedRun: string;
      rows: number;
      path: string;
      live: { metric: string; n: number; estimate: number; low: number; high: number };
    };
    assert.equal(summary.servedRun, runId);
    const rows = readFileSync(summary.path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; text: string; label: string; served_label: string });
    const exportedIds = new Set(rows.map((row) => row.id));
    for (const id of acknowledged)
      assert.ok(exportedIds.has(id), `acknowledged feedback ${id} is in the record`);
    const byId = new Map(
      all.map((reply, i) => [reply.requestId, { reply, text: inputs[i % inputs.length] }]),
    );
    for (const row of rows) {
      assert.equal(row.text, byId.get(row.id)?.text);
      assert.equal(row.served_label, byId.get(row.id)?.reply.label);
    }
    const agreement = rows.filter((row) => row.label === row.served_label).length / rows.length;
    assert.equal(summary.live.metric, "accuracy");
    assert.equal(summary.live.n, rows.length);
    assert.ok(Math.abs(summary.live.estimate - agreement) < 1e-12);
    assert.ok(summary.live.low <= agreement && agreement <= summary.live.high);
    // The export is a dataset `fit` reads.
    const refit = await runCli([
      "split",
      summary.path,
      "--text",
      "text",
      "--label",
      "label",
      "--strategy",
      "random",
      "--out",
      join(dir.path, "split"),
    ]);
    assert.equal(refit.code, 0, refit.stderr);

    const show = await runCli(["show", server.deployment, "--store", store, "--json"]);
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout) as {
      params: Record<string, unknown>;
      deployment: {
        predictions: number;
        labelledRequests: number;
        agreement: number;
        latencyMs: { p50: number };
      };
    };
    assert.equal(shown.params.servedRun, runId);
    assert.equal(shown.deployment.predictions, all.length);
    assert.equal(shown.deployment.labelledRequests, rows.length);
    assert.ok(Math.abs(shown.deployment.agreement - agreement) < 1e-12);
    assert.ok(shown.deployment.latencyMs.p50 > 0);
    const text = await runCli(["show", server.deployment, "--store", store]);
    assert.match(text.stdout, /deployment so far/);
    assert.match(text.stdout, /latency +p50 [\d.]+ ms/);

    // Restart: a new deployment of the same run; old request ids are not known to it.
    const again = await startServer(runId, store);
    servers.push(again);
    assert.notEqual(again.deployment, server.deployment);
    const stale = await post(`${again.url}/feedback`, { requestId: acknowledged[0], label: "spam" });
    assert.equal(stale.status, 404);

    // SIGTERM while a request is half sent: the request is still answered, then the process exits 0.
    const body = JSON.stringify({ text: inputs[0] });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${again.url}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      });
      req.on("response", (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.write(body.slice(0, 5));
      setTimeout(() => {
        again.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(5)), 300);
      }, 300);
    });
    const drained = await answer;
    assert.equal(drained.status, 200, drained.body);
    assert.equal((JSON.parse(drained.body) as { label: string }).label, offline[0]?.label);
    const ended = await again.exited;
    assert.equal(ended.code, 0, again.stderr());
    assert.match(again.stderr(), /SIGTERM: draining/);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    dir.cleanup();
  }
});
