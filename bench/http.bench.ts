// The `http` system's throughput: predictions/s at concurrency 1 and 8 (batches of 8 rows) against
// `expbook serve` of a RAG (BM25) run on loopback, over the spam-assassin test rows. The response cache
// is bypassed (EXPBOOK_HTTP_REFRESH), so every batch is a real request. BENCH_HTTP_ROWS caps the rows.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset } from "../src/data/load-dataset.js";
import { refreshEnv } from "../src/http/cached-post.js";
import { httpSystem } from "../src/http/http-system.js";
import { prepareSystemContext } from "../src/study/system-context.js";
import { load } from "./print.js";

const bin = new URL("../bin/expbook.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "expbook-bench-http-"));
const store = join(dir, "store");
process.env.EXPBOOK_CACHE = join(dir, "cache");
process.env[refreshEnv] = "1";

const fit = spawnSync(
  process.execPath,
  [bin, "fit", "rag", "--dataset", "spam-assassin", "--set", "retriever=bm25", "--store", store, "--json"],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (fit.status !== 0) throw new Error("expbook fit rag failed");
const runId = (JSON.parse(fit.stdout) as { runId: string }).runId;
const child: ChildProcess = spawn(
  process.execPath,
  [bin, "serve", runId, "--port", "0", "--json", "--store", store],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = "";
  child.on("exit", (code) => reject(new Error(`expbook serve exited with ${code}`)));
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0] as string) as { url: string }).url);
  });
});

try {
  const spam = await loadDataset("spam-assassin");
  const rows = Number(process.env.BENCH_HTTP_ROWS ?? 400);
  for (const concurrency of [1, 8]) {
    const context = prepareSystemContext(httpSystem, {
      dataset: spam,
      split: { strategy: "stratified", seed: 1 },
      params: { url: `${url}/predict`, batchSize: 8, concurrency },
    });
    context.val = [];
    context.test = context.test.slice(0, rows);
    const started = process.hrtime.bigint();
    const output = await httpSystem.run(context);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const n = output.testPredictions.length;
    process.stdout.write(
      `http system, concurrency ${concurrency}, batch 8: ${(n / seconds).toFixed(0)} predictions/s (${n} rows in ${seconds.toFixed(2)} s; load average ${load()})\n`,
    );
  }
} finally {
  child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
