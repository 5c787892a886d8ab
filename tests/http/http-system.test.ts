import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

// A real endpoint: `expbook serve` of a RAG run, scored by an `http` system on the same split.
const work = tempDir("expbook-http-");
const store = join(work.path, "store");
const env = { EXPBOOK_CACHE: join(work.path, "cache") };
const csv = join(work.path, "mail.csv");
writeFileSync(
  csv,
  [
    "id,text,label",
    ...Array.from({ length: 80 }, (_, i) => {
      const spam = i % 3 === 0;
      const words = spam ? "win money now free offer click" : "meeting notes for the project review";
      return `m${i},"${words} ${i % 7} item${i % 5}",${spam ? "spam" : "ham"}`;
    }),
  ].join("\n"),
);
const data = ["--dataset", csv, "--text", "text", "--label", "label", "--store", store, "--json"];
let server: ChildProcess | undefined;
after(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
  work.cleanup();
});

async function serve(runId: string): Promise<string> {
  server = spawn(
    process.execPath,
    [
      new URL("../../bin/expbook.js", import.meta.url).pathname,
      "serve",
      runId,
      "--port",
      "0",
      "--store",
      store,
      "--json",
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } },
  );
  let out = "";
  for await (const chunk of server.stdout ?? []) {
    out += String(chunk);
    if (out.includes("\n")) break;
  }
  return (JSON.parse(out.split("\n")[0] ?? "{}") as { url: string }).url;
}

describe("the http system against a served model", () => {
  let ragRun = "";
  let httpRun = "";

  test("scores a served RAG run exactly as the run scored itself", async () => {
    const rag = await runCli(["fit", "rag", ...data, "--set", "retriever=bm25"], { env });
    assert.equal(rag.code, 0, rag.stderr);
    const ragResult = JSON.parse(rag.stdout);
    ragRun = ragResult.runId;
    const url = await serve(ragRun);
    const http = await runCli(
      ["fit", "http", ...data, "--set", `url=${url}/predict`, "--set", "batchSize=7"],
      {
        env,
      },
    );
    assert.equal(http.code, 0, http.stderr);
    const httpResult = JSON.parse(http.stdout);
    httpRun = httpResult.runId;
    assert.equal(typeof httpResult.summary.test_f1, "number");
    assert.equal(httpResult.summary.test_f1, ragResult.summary.test_f1);
    assert.equal(httpResult.summary.val_accuracy, ragResult.summary.val_accuracy);
  });

  test("a rerun with the server down answers from the cache, identically", async () => {
    server?.kill("SIGTERM");
    if (server) await once(server, "exit");
    const rerun = await runCli(["rerun", httpRun, "--store", store, "--json"], { env });
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.equal(JSON.parse(rerun.stdout).identical, true);
  });

  test("--refresh skips the cache: with the server down the run fails in one line naming the endpoint", async () => {
    const rerun = await runCli(["rerun", httpRun, "--store", store, "--refresh"], { env });
    assert.notEqual(rerun.code, 0);
    const lines = rerun.stderr.trim().split("\n");
    assert.equal(lines.length, 1, rerun.stderr);
    assert.match(
      lines[0] ?? "",
      /POST http:\/\/127\.0\.0\.1:\d+\/predict cannot connect \(ECONNREFUSED\) \(after 4 attempts\)/,
    );
  });

  test("a study with an unreachable endpoint exits non-zero with one clear line and no finished run", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const port = (probe.address() as { port: number }).port;
    probe.close();
    await once(probe, "close");
    const path = join(work.path, "study.json");
    const failedStore = join(work.path, "failed-store");
    writeFileSync(
      path,
      JSON.stringify({
        name: "unreachable",
        question: "Does an unreachable endpoint fail cleanly?",
        dataset: { name: csv, text: "text", label: "label" },
        split: { strategy: "stratified" },
        seeds: [1],
        systems: [
          {
            name: "remote",
            kind: "http",
            params: { url: `http://127.0.0.1:${port}/predict`, retries: 1, backoffMs: 10 },
          },
        ],
      }),
    );
    const result = await runCli(["run", path, "--store", failedStore, "--workers", "1", "--no-report"], {
      env,
    });
    assert.notEqual(result.code, 0);
    const failures = result.stderr
      .split("\n")
      .filter((line) => line.includes(`POST http://127.0.0.1:${port}/predict`));
    assert.equal(failures.length, 1, result.stderr);
    assert.match(failures[0] ?? "", /cannot connect \(ECONNREFUSED\) \(after 2 attempts\)/);
    const listed = await runCli(["ls", "--store", failedStore, "--json"], { env });
    const runs = JSON.parse(listed.stdout) as Array<{ status: string; tags?: Record<string, string> }>;
    assert.equal(runs.filter((run) => run.tags?.system === "remote" && run.status === "finished").length, 0);
    assert.equal(runs.filter((run) => run.tags?.system === "remote" && run.status === "failed").length, 1);
  });
});
