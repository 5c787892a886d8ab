import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, tempDir } from "../helpers/cli.js";
import { startPostgresCluster } from "../helpers/postgres-cluster.js";
import { killMachine, listRuns, startWorker, type WorkerMachine } from "./cluster-workers.js";

const work = tempDir("expbook-distributed-faults-");
const cluster = await startPostgresCluster();
const machines: WorkerMachine[] = [];
after(() => {
  for (const machine of machines) killMachine(machine);
  cluster.stop();
  work.cleanup();
});

const repo = new URL("../../", import.meta.url).pathname;
const moduleFixture = new URL("../../notebooks/systems/bow-mlp.js", import.meta.url).pathname;

/** A checkout of a researcher's project on one machine: package.json, node_modules links, maybe the module. */
function checkout(name: string, module: "same" | "edited" | "none"): string {
  const root = join(work.path, name);
  mkdirSync(join(root, "node_modules"), { recursive: true });
  symlinkSync(repo, join(root, "node_modules", "expbook"));
  symlinkSync(join(repo, "node_modules", "zod"), join(root, "node_modules", "zod"));
  symlinkSync(join(repo, "node_modules", "@tensorflow"), join(root, "node_modules", "@tensorflow"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "my-research", type: "module" }));
  mkdirSync(join(root, "systems"));
  mkdirSync(join(root, "experiments"));
  const target = join(root, "systems", "bow-mlp.js");
  if (module !== "none") copyFileSync(moduleFixture, target);
  if (module === "edited")
    writeFileSync(target, `${readFileSync(target, "utf8")}\n// edited on this machine\n`);
  return root;
}

function oneLine(text: string): string {
  const lines = text.trim().split("\n");
  assert.equal(lines.length, 1, `one line, got:\n${text}`);
  return lines[0] ?? "";
}

describe("distributed studies when things go wrong", () => {
  test("an unreachable queue database or a missing study file gives one line and starts no run", async () => {
    const store = join(work.path, "unreachable-store");
    const down = "postgres://postgres@127.0.0.1:1/nowhere";
    const worker = await runCli(["worker", "--queue", down, "--store", store]);
    assert.equal(worker.code, 2);
    assert.match(
      oneLine(worker.stderr),
      /^expbook: job queue database postgres:\/\/.*:1\/nowhere cannot be used: /,
    );
    const run = await runCli([
      "run",
      join(repo, "experiments/spam-ft-vs-rag.json"),
      "--quick",
      "--distributed",
      "--queue",
      down,
      "--store",
      store,
    ]);
    assert.equal(run.code, 2);
    assert.match(oneLine(run.stderr), /cannot be used: .*start PostgreSQL there/);
    const missing = await runCli([
      "run",
      join(work.path, "no-such-study.json"),
      "--distributed",
      "--queue",
      down,
    ]);
    assert.equal(missing.code, 2);
    assert.match(oneLine(missing.stderr), /study file .*no-such-study\.json not found/);
    assert.deepEqual(await listRuns(store), []);
  });

  test("a worker whose module differs fails the job naming both hashes; one without it says so", async () => {
    const queue = cluster.createDatabase("module_queue");
    const submitter = checkout("submitter", "same");
    const studyPath = join(submitter, "experiments", "own.json");
    writeFileSync(
      studyPath,
      JSON.stringify({
        name: "own-model",
        question: "Does my model run on every machine?",
        dataset: { name: "spam-assassin" },
        split: { strategy: "stratified" },
        seeds: [1],
        systems: [{ name: "my-mlp", module: "../systems/bow-mlp.js", params: { hidden: 4, epochs: 1 } }],
      }),
    );
    const store = join(work.path, "module-store");
    const flags = ["--queue", queue, "--store", store, "--heartbeat", "10"];
    const stale = startWorker(checkout("stale", "edited"), ".", flags);
    machines.push(stale);
    const first = await runCli(
      ["run", studyPath, "--distributed", "--retries", "0", "--no-report", ...flags],
      {
        cwd: submitter,
      },
    );
    assert.equal(first.code, 1, first.stderr);
    const hashes = /has source hash ([0-9a-f]{16}) here but the study was submitted with ([0-9a-f]{16})/.exec(
      first.stderr,
    );
    assert.ok(hashes && hashes[1] !== hashes[2], first.stderr);
    assert.match(first.stdout, /0 run\(s\) ran, 0 reused, 1 failed/);
    stale.child.kill("SIGTERM");
    await stale.exited;

    const bare = startWorker(checkout("bare", "none"), ".", flags);
    machines.push(bare);
    const second = await runCli(
      ["run", studyPath, "--distributed", "--retries", "0", "--no-report", ...flags],
      {
        cwd: submitter,
      },
    );
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /1 failed before and submitted again/);
    assert.match(second.stderr, /my-mlp seed 1 failed: worker on .*: system module .*bow-mlp\.js not found/);
    bare.child.kill("SIGTERM");
    await bare.exited;
    assert.deepEqual(
      (await listRuns(store)).filter((run) => run.status === "running").map((run) => run.name),
      [],
    );
  });

  test("SIGTERM during a job: one line, the run reads killed, the job goes back to the queue", async () => {
    const queue = cluster.createDatabase("sigterm_queue");
    const store = join(work.path, "sigterm-store");
    const studyPath = join(repo, "experiments/spam-ft-vs-rag.json");
    const flags = ["--queue", queue, "--store", store, "--heartbeat", "10"];
    const worker = startWorker(work.path, "sigterm-worker", flags);
    machines.push(worker);
    const submitted = await runCli([
      "run",
      studyPath,
      "--quick",
      "--only",
      "finetune-glove",
      "--distributed",
      "--detach",
      ...flags,
    ]);
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stdout, /1 job\(s\) submitted/);
    let running: string | undefined;
    for (let waited = 0; waited < 240_000 && !running; waited += 500) {
      await sleep(500);
      running = (await listRuns(store)).find((run) => run.status === "running")?.id;
    }
    assert.ok(running, "the worker started the job");
    await sleep(1500);
    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    assert.equal(exit.code, 143, worker.log());
    assert.match(
      oneLine(
        worker
          .log()
          .split("\n")
          .filter((line) => !line.includes(": fitting ") && !/waiting for jobs/.test(line))
          .join("\n"),
      ),
      /received SIGTERM/,
    );
    const runs = await listRuns(store);
    assert.equal(runs.find((run) => run.id === running)?.status, "killed");
    assert.deepEqual(
      runs.filter((run) => run.status === "running"),
      [],
    );
    const status = await runCli(["status", studyPath, "--queue", queue, "--store", store]);
    assert.match(
      status.stdout,
      /^study spam-ft-vs-rag: 1 job\(s\): 0 done, 0 running, (1 retrying, 0 failed, 0 queued|0 retrying, 0 failed, 1 queued)/,
    );
  });

  test("a diverging fit (NaN loss) is a failed run, tried --retries more times, then reported", async () => {
    const queue = cluster.createDatabase("nan_queue");
    const store = join(work.path, "nan-store");
    const studyPath = join(work.path, "diverge.json");
    writeFileSync(
      studyPath,
      JSON.stringify({
        name: "diverge",
        question: "Is a diverging fit retried forever?",
        dataset: { name: "sotu" },
        split: { strategy: "random" },
        seeds: [1],
        systems: [
          { name: "too-fast", kind: "finetune", params: { learningRate: 1e30, optimizer: "sgd", epochs: 2 } },
        ],
      }),
    );
    const flags = ["--queue", queue, "--store", store, "--heartbeat", "10"];
    const worker = startWorker(work.path, "nan-worker", flags);
    machines.push(worker);
    const result = await runCli([
      "run",
      studyPath,
      "--distributed",
      "--retries",
      "1",
      "--no-report",
      ...flags,
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /too-fast seed 1 failed: .*training loss became (NaN|infinite)/);
    const runs = (await listRuns(store)).filter((run) => run.tags.system === "too-fast");
    assert.deepEqual(
      runs.map((run) => run.status),
      ["failed", "failed"],
      "the first attempt and one retry, each a failed run",
    );
    worker.child.kill("SIGTERM");
    await worker.exited;
  });
});
