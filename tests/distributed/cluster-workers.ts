import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";
import { type PostgresCluster, startPostgresCluster } from "../helpers/postgres-cluster.js";

const bin = new URL("../../bin/expbook.js", import.meta.url).pathname;

/** One simulated machine: an `expbook worker` process with its own working directory and cache. */
export interface WorkerMachine {
  name: string;
  child: ChildProcess;
  /** Everything the worker printed (stderr). */
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `expbook worker` as a process group of its own (the worker and its fitting process), so a test
 * can SIGKILL the whole "machine" at once.
 */
export function startWorker(root: string, name: string, args: string[]): WorkerMachine {
  const cwd = join(root, name);
  mkdirSync(join(cwd, "cache"), { recursive: true });
  const child = spawn(process.execPath, [bin, "worker", ...args], {
    cwd,
    env: { ...process.env, EXPBOOK_CACHE: join(cwd, "cache") },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { name, child, log: () => stderr, exited };
}

/** Kills a machine: every process of the worker's group, with SIGKILL. */
export function killMachine(machine: WorkerMachine): void {
  try {
    process.kill(-(machine.child.pid ?? 0), "SIGKILL");
  } catch {
    // already gone
  }
}

/** A run as `expbook ls --json` lists it. */
export interface ListedRun {
  id: string;
  name: string;
  status: string;
  createdAt?: string;
  tags: Record<string, string | boolean>;
  summary?: Record<string, number | string | boolean>;
  env?: { pid?: number; hostname?: string };
}

/** Every run of the store (`expbook ls --json`), or none while the store does not exist yet. */
export async function listRuns(store: string): Promise<ListedRun[]> {
  const result = await runCli(["ls", "--store", store, "--json", "--limit", "100000"]);
  if (result.code !== 0) return [];
  return JSON.parse(result.stdout) as ListedRun[];
}

/** A test file's simulated lab: a temp folder, a throwaway PostgreSQL cluster and the machines started. */
export interface TestLab {
  work: { path: string };
  cluster: PostgresCluster;
  machines: WorkerMachine[];
}

/** Starts a lab for one test file; every machine is killed and everything removed after its tests. */
export async function startTestLab(prefix: string): Promise<TestLab> {
  const work = tempDir(prefix);
  const cluster = await startPostgresCluster();
  const machines: WorkerMachine[] = [];
  after(() => {
    for (const machine of machines) killMachine(machine);
    cluster.stop();
    work.cleanup();
  });
  return { work, cluster, machines };
}
