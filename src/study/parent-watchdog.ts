import { Worker } from "node:worker_threads";

// Runs in a thread of its own, so it keeps watching while the worker's main thread is busy in a long
// synchronous loop (a training step, an index build) that no timer or IPC event could interrupt.
const watchdogSource = `
const { workerData } = require("node:worker_threads");
const { parent, intervalMs, graceMs } = workerData;
const timer = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(timer);
  try { process.kill(process.pid, "SIGTERM"); } catch {}
  setTimeout(() => { try { process.kill(process.pid, "SIGKILL"); } catch {} }, graceMs);
}, intervalMs);
`;

/**
 * Stops this process when its parent goes away (the parent was killed, even with SIGKILL): SIGTERM
 * first, so live runs record how they ended (`killed`) at the main thread's next yield, then SIGKILL
 * if the main thread is still stuck in synchronous work (its run then reads `crashed`). The check runs
 * every `intervalMs` in a separate thread, so an orphan stops within about `intervalMs + graceMs`
 * however long its synchronous loop; the grace is generous because a loaded machine makes one training
 * step slow, and a `killed` record says more than a `crashed` one.
 */
export function watchParent(intervalMs = 200, graceMs = 3_000): void {
  const watchdog = new Worker(watchdogSource, {
    eval: true,
    workerData: { parent: process.ppid, intervalMs, graceMs },
  });
  watchdog.unref();
}
