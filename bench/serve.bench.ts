// Serving benchmark (targets from issue 17): `expbook serve` on loopback, driven by autocannon with
// single-text POST /predict requests (real spam-assassin e-mails), at concurrency 1 and 32, for a
// finetune run and a RAG run. Targets: finetune >= 2,000 predictions/s at c=32 with p99 < 50 ms;
// RAG >= 300 predictions/s. The server runs in its own process; autocannon runs here.
// BENCH_SERVE_SECONDS sets the duration of each load (default 10).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset } from "../src/data/load-dataset.js";
import { line, load } from "./print.js";

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const bin = new URL("../bin/expbook.js", import.meta.url).pathname;
const seconds = Number(process.env.BENCH_SERVE_SECONDS ?? 10);
const dir = mkdtempSync(join(tmpdir(), "expbook-bench-serve-"));
const store = join(dir, "store");

function fit(args: string[]): string {
  const result = spawnSync(process.execPath, [bin, "fit", ...args, "--store", store, "--json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) throw new Error(`expbook fit ${args.join(" ")} failed`);
  return (JSON.parse(result.stdout) as { runId: string }).runId;
}

function serve(runId: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, "serve", runId, "--port", "0", "--json", "--store", store], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("exit", (code) => reject(new Error(`expbook serve exited with ${code}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n"))
        resolve({ url: (JSON.parse(out.split("\n")[0] as string) as { url: string }).url, child });
    });
  });
}

/** The server's CPU time so far (user + system seconds), from its own Prometheus metrics. */
async function serverCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^process_cpu_seconds_total (\S+)$/m.exec(text);
  if (!match) throw new Error("the server's /metrics has no process_cpu_seconds_total");
  return Number(match[1]);
}

async function measure(name: string, runId: string, bodies: string[]): Promise<void> {
  const { url, child } = await serve(runId);
  try {
    const requests = bodies.map((body) => ({
      method: "POST",
      path: "/predict",
      headers: { "content-type": "application/json" },
      body,
    }));
    await autocannon({ url, connections: 8, duration: 2, requests }); // warm-up
    for (const connections of [1, 32]) {
      const cpuBefore = await serverCpuSeconds(url);
      const result = await autocannon({ url, connections, duration: seconds, requests });
      // Server CPU per request: what the wall-clock rate would be with a core to itself, however busy
      // the machine is (the /metrics scrape itself is a rounding error).
      const cpuMs = (((await serverCpuSeconds(url)) - cpuBefore) * 1000) / Math.max(1, result.requests.total);
      line(
        `${name} c=${connections}: ${Math.round(result.requests.average).toLocaleString("en")} predictions/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (${result.requests.total.toLocaleString("en")} requests, non-2xx ${result.non2xx}, errors ${result.errors}); server CPU ${cpuMs.toFixed(3)} ms/prediction = ${Math.round(1000 / cpuMs).toLocaleString("en")}/s per core  load average ${load()}`,
      );
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

try {
  const dataset = await loadDataset("spam-assassin");
  // 200 real e-mails (cut to 4,000 characters, as a mail client would send a preview).
  const bodies = dataset.rows
    .slice(0, 200)
    .map((row) => JSON.stringify({ text: (row.text ?? "").slice(0, 4000) }));
  line(
    `load average before fitting: ${load()}; ${seconds} s per load; cpus: ${spawnSync("nproc").stdout}`.trim(),
  );
  const finetune = fit(["finetune", "--dataset", "spam-assassin", "--set", "epochs=1"]);
  const rag = fit(["rag", "--dataset", "spam-assassin"]);
  await measure("finetune (bag)", finetune, bodies);
  await measure("rag (bm25, k=10)", rag, bodies);
  line("targets: finetune >= 2,000 predictions/s at c=32 with p99 < 50 ms; rag >= 300 predictions/s");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
