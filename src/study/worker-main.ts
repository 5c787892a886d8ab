// A study worker process: runs the jobs its parent sends, one at a time, and reports back over IPC.
// When the parent goes away (killed, Ctrl-C) the worker stops too, so its run is marked killed.
import { loadDataset } from "../data/load-dataset.js";
import { type GitState, gitState } from "../tracker/environment.js";
import { isUserError } from "../util/errors.js";
import { loadSystem } from "./builtin-systems.js";
import { watchParent } from "./parent-watchdog.js";
import { runStudyJob } from "./run-job.js";
import type { JobMessage, WarmDataset, WarmMessage, WorkerMessage } from "./worker-protocol.js";

// The parent may be gone (Ctrl-C, killed): then there is no one to tell, and the run is already stored.
function send(message: WorkerMessage): void {
  if (!process.connected) return;
  try {
    process.send?.(message, undefined, {}, () => {});
  } catch {
    // The channel closed between the check and the send.
  }
}

watchParent();

process.on("disconnect", () => {
  process.kill(process.pid, "SIGTERM");
});

/** Loads system kinds (and TensorFlow.js for those that train with it) ahead of their jobs. */
async function warm(kinds: readonly string[]): Promise<void> {
  for (const kind of kinds) {
    const system = await loadSystem(kind);
    if (system.tfjs === true) await (await import("../finetune/backend.js")).selectBackend();
  }
}

/**
 * Loads datasets ahead of their jobs (`loadDataset` keeps them in memory) and names those it loaded.
 * One that fails is skipped: a job that names it reports why.
 */
async function preload(datasets: readonly WarmDataset[]): Promise<string[]> {
  const loaded: string[] = [];
  for (const { name, options } of datasets) {
    try {
      await loadDataset(name, { ...options, onNotice: () => {} });
      loaded.push(name);
    } catch {
      // Not loaded now: the job that needs it loads it and says what is wrong.
    }
  }
  return loaded;
}

// A warm-up in progress: jobs wait for it (a job would load the same modules, and start the backend twice).
let warming: Promise<unknown> = Promise.resolve();
// The git state found at the warm-up, when the job's context brings none (a distributed worker's jobs):
// the code this process runs is what it loaded then, and asking git per job costs each job ~0.1 s.
let warmGit: GitState | undefined;

process.on("message", (message: JobMessage | WarmMessage) => {
  if (message.type === "warm") {
    // A failed warm-up is no error: the job that needs the kind loads it and reports what fails.
    const datasets = message.datasets ?? [];
    warmGit = gitState();
    warming = warm(message.kinds)
      .then(
        () => true,
        () => false,
      )
      .then(async (ok) => send({ type: "warm", ok, datasets: await preload(datasets) }));
    return;
  }
  if (message.type !== "job") return;
  const { job } = message;
  const context = message.context.git || !warmGit ? message.context : { ...message.context, git: warmGit };
  warming
    .then(() => runStudyJob(context, job, (event) => send({ type: "progress", key: job.key, event })))
    .then((result) => send({ type: "done", key: job.key, result }))
    .catch((error: unknown) => {
      const userError = isUserError(error);
      const text = userError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
      send({ type: "failed", key: job.key, message: text, userError });
    });
});

send({ type: "ready" });
