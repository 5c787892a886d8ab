import { Worker } from "node:worker_threads";

// Runs in a thread of its own, so it keeps watching while the worker's main thread is busy in a long
// synchronous loop (a training step, an index build) that no timer or IPC event could interrupt.
// When the SIGTERM has not ended the process after the grace, the main thread is interrupted through
// the inspector (V8 runs the evaluation between two steps of the loop) to emit SIGTERM to its
// listeners, so the tracker records its live runs `killed`; only then is the process SIGKILLed. An
// extra listener stops the tracker's handler from re-raising the signal, so that the session can be
// closed first (a process that ends with one open prints "Waiting for the debugger to disconnect").
const watchdogSource = `
const { workerData } = require("node:worker_threads");
const { parent, intervalMs, graceMs, recordMs } = workerData;
const kill = () => { try { process.kill(process.pid, "SIGKILL"); } catch {} };
const expression = '(() => { const keep = () => {}; process.on("SIGTERM", keep); ' +
  'try { process.emit("SIGTERM", "SIGTERM"); } finally { process.removeListener("SIGTERM", keep); } })()';
function recordThenKill() {
  let session;
  try {
    session = new (require("node:inspector").Session)();
    session.connectToMainThread();
  } catch {
    return kill();
  }
  const last = setTimeout(() => { try { session.disconnect(); } catch {} kill(); }, recordMs);
  session.post("Runtime.evaluate", { expression }, () => {
    clearTimeout(last);
    try { session.disconnect(); } catch {}
    kill();
  });
}
const timer = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(timer);
  try { process.kill(process.pid, "SIGTERM"); } catch {}
  setTimeout(recordThenKill, graceMs);
}, intervalMs);
`;

/**
 * Stops this process when its parent goes away (the parent was killed, even with SIGKILL): SIGTERM
 * first, so live runs record how they ended (`killed`) at the main thread's next yield. If the main
 * thread is still stuck in synchronous work after `graceMs`, it is interrupted to record its runs
 * `killed` all the same, then the process is SIGKILLed (`recordMs` later at most, should the
 * interruption not answer: then the runs read `crashed`). The check runs every `intervalMs` in a
 * separate thread, so an orphan stops within about `intervalMs + graceMs` however long its loop.
 */
export function watchParent(intervalMs = 200, graceMs = 3_000, recordMs = 2_000): void {
  const watchdog = new Worker(watchdogSource, {
    eval: true,
    workerData: { parent: process.ppid, intervalMs, graceMs, recordMs },
  });
  watchdog.unref();
}
