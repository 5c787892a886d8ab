import { type ChildProcess, fork } from "node:child_process";

/**
 * Forks a study worker process (study/worker-main), which fits jobs sent over IPC: the local runner's
 * workers and a distributed worker's fitting process. The path goes through ../study/ because this module
 * is in src/study/ in a checkout and in a bundled chunk of dist/ once built.
 */
export function spawnStudyWorker(): ChildProcess {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "../study/worker-main.ts" : "../study/worker-main.js", import.meta.url);
  const execArgv = fromSource ? ["--import", import.meta.resolve("tsx")] : [];
  return fork(entry.pathname, [], { execArgv, stdio: ["ignore", "ignore", "inherit", "ipc"] });
}
