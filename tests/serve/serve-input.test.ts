import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createRng, type Rng } from "../../src/util/random.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { fitRun, post, startServer } from "./server-process.js";

const token = "test-token-0123456789";

/** A small two-class text dataset that a RAG run indexes in a second. */
function tinyDataset(path: string): void {
  const rng = createRng(5);
  const spam = ["free", "money", "prize", "click", "winner", "cash", "offer", "loan"];
  const ham = ["meeting", "kernel", "patch", "lunch", "report", "build", "review", "thanks"];
  const lines = Array.from({ length: 120 }, (_, i) => {
    const words = i % 2 ? spam : ham;
    const text = Array.from({ length: 8 }, () => words[rng.int(words.length)]).join(" ");
    return JSON.stringify({ id: `d${i}`, text, label: i % 2 ? "spam" : "ham" });
  });
  writeFileSync(path, `${lines.join("\n")}\n`);
}

function assertOneLineError(
  reply: { status: number; json: Record<string, unknown>; text: string },
  status: number,
  pattern: RegExp,
): void {
  assert.equal(reply.status, status, reply.text);
  const message = reply.json.error;
  assert.equal(typeof message, "string", reply.text);
  assert.ok(!(message as string).includes("\n"), "one line");
  assert.match(message as string, pattern);
}

const fuzzAlphabet = `{}[]":,0123456789.eE+-truefalsnul \\\u0000\u00ff\u2028"textfeaturesinputsrequestIdlabeldocuments`;

/** One random request: a mutated valid body, random JSON, or random bytes, with a random type and route. */
function randomRequest(rng: Rng): { path: string; method: string; contentType: string; body: string } {
  const routes = ["/predict", "/predict", "/feedback", "/documents", "/documents/d1", "/nope", "/metrics"];
  const types = [
    "application/json",
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "",
    "application/x-www-form-urlencoded",
  ];
  const path = routes[rng.int(routes.length)] as string;
  const method = path.startsWith("/documents/")
    ? rng.next() < 0.5
      ? "DELETE"
      : "POST"
    : path === "/metrics"
      ? "GET"
      : "POST";
  const kind = rng.int(4);
  let body: string;
  if (kind === 0) {
    const valid = [
      { text: "free money" },
      { inputs: [{ text: "kernel patch" }, { text: "cash prize" }] },
      { requestId: "r", label: "spam" },
      { id: "z", text: "x", label: "ham" },
      { features: { a: 1 } },
    ][rng.int(5)];
    const text = JSON.stringify(valid);
    const at = rng.int(text.length + 1);
    const cut = rng.int(4);
    body = text.slice(0, at) + (fuzzAlphabet[rng.int(fuzzAlphabet.length)] ?? "") + text.slice(at + cut);
  } else if (kind === 1) {
    const values: unknown[] = [
      null,
      [],
      "text",
      42,
      { text: 42 },
      { text: ["a"] },
      { inputs: [] },
      { inputs: Array.from({ length: 300 }, () => ({ text: "a" })) },
      { __proto__: { text: "x" } },
      { constructor: { prototype: { polluted: true } } },
      { text: "a", extra: 1 },
      { features: { a: "1" } },
      { requestId: "", label: "" },
      {
        documents: [
          { id: "a", text: "b", label: "spam" },
          { id: "a", text: "b", label: "spam" },
        ],
      },
    ];
    const value = values[rng.int(values.length)];
    body = rng.next() < 0.1 ? '{"__proto__": {"polluted": true}, "text": "x"}' : JSON.stringify(value);
  } else {
    const length = rng.int(200);
    body = Array.from({ length }, () => fuzzAlphabet[rng.int(fuzzAlphabet.length)]).join("");
  }
  return { path, method, contentType: types[rng.int(types.length)] as string, body };
}

async function heapUsed(url: string): Promise<number> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  const match = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
  assert.ok(match, "heap metric");
  return Number(match[1]);
}

test("expbook serve answers bad input, wrong tokens, unknown ids, big bodies and non-JSON types with the right status and one line; 10,000 random bodies leave it up and its memory flat", async () => {
  const dir = tempDir();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const store = join(dir.path, "store");
    const data = join(dir.path, "tiny.jsonl");
    tinyDataset(data);
    const runId = await fitRun(store, ["rag", "--dataset", data, "--text", "text", "--label", "label"]);

    const open = await runCli(["serve", runId, "--host", "0.0.0.0", "--store", store]);
    assert.equal(open.code, 2);
    assert.match(open.stderr, /^expbook: --host 0\.0\.0\.0 is reachable from other machines; add --token T/);
    assert.equal(open.stderr.trim().split("\n").length, 1);
    const notServable = await runCli(["serve", "nope", "--store", store]);
    assert.equal(notServable.code, 2);
    assert.match(notServable.stderr, /^expbook: no run "nope"/);

    server = await startServer(runId, store, ["--token", token, "--body-limit", "4096", "--remember", "500"]);
    const url = server.url;
    const auth = { token };

    // Tokens: /healthz is open, everything else needs the bearer token.
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assertOneLineError(await post(`${url}/predict`, { text: "free" }), 401, /bearer token/);
    assertOneLineError(
      await post(`${url}/predict`, { text: "free" }, { token: "wrong-token-123" }),
      401,
      /bearer token/,
    );
    assert.equal((await fetch(`${url}/metrics`)).status, 401);
    const ok = await post(`${url}/predict`, { text: "free money" }, auth);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.label, "spam");

    // Bodies.
    assertOneLineError(
      await post(`${url}/predict`, null, { ...auth, raw: '{"text": "free' }),
      400,
      /not valid JSON/,
    );
    assertOneLineError(await post(`${url}/predict`, null, { ...auth, raw: "" }), 400, /empty/);
    assertOneLineError(await post(`${url}/predict`, { text: 42 }, auth), 400, /^invalid body: .*string/);
    assertOneLineError(await post(`${url}/predict`, { txt: "a" }, auth), 400, /^invalid body/);
    assertOneLineError(await post(`${url}/predict`, { text: "a", features: {} }, auth), 400, /^invalid body/);
    assertOneLineError(await post(`${url}/predict`, { features: { a: 1 } }, auth), 400, /predicts from text/);
    assertOneLineError(
      await post(`${url}/predict`, { inputs: Array.from({ length: 257 }, () => ({ text: "a" })) }, auth),
      400,
      /^invalid body/,
    );
    assertOneLineError(
      await post(`${url}/predict`, { text: "x".repeat(5000) }, auth),
      413,
      /4096-byte limit/,
    );
    assertOneLineError(
      await post(`${url}/predict`, null, { ...auth, raw: "text=free", contentType: "text/plain" }),
      415,
      /content type "text\/plain" is not accepted; send JSON/,
    );
    assertOneLineError(
      await post(`${url}/predict`, null, {
        ...auth,
        raw: "a=b",
        contentType: "application/x-www-form-urlencoded",
      }),
      415,
      /not accepted/,
    );
    assertOneLineError(
      await post(`${url}/predict`, null, { ...auth, raw: '{"__proto__": {"x": 1}, "text": "a"}' }),
      400,
      /./,
    );

    // Feedback.
    const requestId = ok.json.requestId as string;
    assertOneLineError(
      await post(`${url}/feedback`, { requestId: "no-such-id", label: "spam" }, auth),
      404,
      /unknown requestId "no-such-id"/,
    );
    assertOneLineError(
      await post(`${url}/feedback`, { requestId, label: "eggs" }, auth),
      400,
      /not one of ham, spam/,
    );
    assertOneLineError(
      await post(`${url}/feedback`, { requestId, target: 3 }, auth),
      400,
      /this run classifies/,
    );
    assertOneLineError(await post(`${url}/feedback`, { requestId }, auth), 400, /^invalid body/);
    const feedback = await post(`${url}/feedback`, { requestId, label: "ham" }, auth);
    assert.equal(feedback.status, 200, feedback.text);
    assert.deepEqual(feedback.json, { requestId, recorded: true, agrees: false });
    assertOneLineError(await post(`${url}/nowhere`, {}, auth), 404, /no route POST \/nowhere/);

    // Fuzz: 10,000 random requests, 16 at a time; the server stays up and its heap does not grow.
    const rng = createRng(17);
    const statuses = new Map<number, number>();
    let baseline = 0;
    const total = 10_000;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        if (i === 2_000) baseline = await heapUsed(url);
        const request = randomRequest(rng);
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (request.contentType !== "") headers["content-type"] = request.contentType;
        const response = await fetch(`${url}${request.path}`, {
          method: request.method,
          headers,
          ...(request.method === "GET" ? {} : { body: request.body }),
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        assert.ok(
          response.status < 500,
          `${response.status} for ${request.method} ${request.path} ${JSON.stringify(request.body)}: ${text}`,
        );
        if (response.status >= 400) {
          const message = (JSON.parse(text) as { error: string }).error;
          assert.ok(typeof message === "string" && !message.includes("\n"), text);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.ok((statuses.get(200) ?? 0) > 100, JSON.stringify([...statuses]));
    assert.ok((statuses.get(400) ?? 0) > 1000, JSON.stringify([...statuses]));
    assert.ok((statuses.get(415) ?? 0) > 100, JSON.stringify([...statuses]));
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const after = await heapUsed(url);
    assert.ok(after < baseline + 24 * 2 ** 20, `heap grew from ${baseline} to ${after} bytes`);
    assert.equal(server.child.exitCode, null);
  } finally {
    await server?.stop();
    dir.cleanup();
  }
});
