import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-watchdog-");
after(work.cleanup);
const bin = new URL("../../bin/expbook.js", import.meta.url).pathname;

interface ListedRun {
  id: string;
  status: string;
  error: string | null;
  tags: Record<string, string | boolean>;
}

async function stuckRun(store: string): Promise<ListedRun | undefined> {
  const listed = await runCli(["ls", "--store", store, "--json"]);
  if (listed.code !== 0) return undefined;
  return (JSON.parse(listed.stdout) as ListedRun[]).find((run) => run.tags.system === "stuck");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("a worker stuck in synchronous work when its study is killed records its run killed, then stops", async () => {
  const lines = ["text,label"];
  for (let i = 0; i < 40; i++) lines.push(`word${i % 5} n${i},${i % 2 === 0 ? "neg" : "pos"}`);
  writeFileSync(join(work.path, "rows.csv"), `${lines.join("\n")}\n`);
  copyFileSync(new URL("./fixtures/stuck-system.js", import.meta.url), join(work.path, "stuck-system.js"));
  const study = join(work.path, "stuck.json");
  writeFileSync(
    study,
    JSON.stringify({
      name: "stuck",
      question: "Does a worker stuck in a synchronous loop record how it ended?",
      dataset: { name: join(work.path, "rows.csv"), text: "text", label: "label" },
      split: { strategy: "stratified" },
      seeds: [1],
      systems: [{ name: "stuck", module: "./stuck-system.js" }],
    }),
  );
  const store = join(work.path, "store");
  const parent = spawn(
    process.execPath,
    [bin, "run", study, "--store", store, "--workers", "1", "--no-report"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  // The worker writes to the same stderr, and keeps it open after the parent is gone.
  let stderr = "";
  parent.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let run: ListedRun | undefined;
  for (let waited = 0; run?.status !== "running" && waited < 120_000; waited += 500) {
    await sleep(500);
    run = await stuckRun(store);
  }
  assert.equal(run?.status, "running", "the stuck run started");
  const shown = await runCli(["show", run?.id ?? "", "--store", store, "--json"]);
  const worker = (JSON.parse(shown.stdout) as { env: { pid: number } }).env.pid;
  await sleep(1_000); // well inside the loop (it starts right after the run)
  parent.kill("SIGKILL");
  const killedAt = Date.now();
  // The watchdog notices within 0.2 s; SIGTERM cannot end a loop that never yields, so after the
  // 3 s grace the main thread is interrupted to record the run, and the process is SIGKILLed.
  for (let waited = 0; run?.status === "running" && waited < 30_000; waited += 250) {
    await sleep(250);
    run = await stuckRun(store);
  }
  assert.equal(run?.status, "killed", `the run reads ${run?.status}: ${run?.error}`);
  assert.equal(run?.error, "received SIGTERM");
  for (let waited = 0; alive(worker) && waited < 5_000; waited += 100) await sleep(100);
  assert.ok(!alive(worker), "the worker stopped");
  assert.doesNotMatch(stderr, /debugger|Error/, stderr);
  assert.ok(Date.now() - killedAt < 30_000);
});
