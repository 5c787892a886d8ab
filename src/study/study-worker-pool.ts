import type { ChildProcess } from "node:child_process";
import { spawnStudyWorker } from "./spawn-study-worker.js";
import type { WorkerMessage } from "./worker-protocol.js";

/** A study worker process handed out by a pool, and whether it has said it is ready for a job. */
export interface PooledWorker {
  child: ChildProcess;
  ready: boolean;
}

/**
 * Study worker processes kept for the whole of a study, across its phases: a phase's workers no longer
 * start from nothing (Node, the study code, TensorFlow.js, the dataset) after the phase before them
 * has ended, and the first phase's workers can start while the study is still being set up.
 */
export class StudyWorkerPool {
  readonly #idle: PooledWorker[] = [];
  #closed = false;

  /** Starts `count` workers now (more than are idle), so their start-up overlaps the caller's work. */
  prestart(count: number): void {
    for (let i = this.#idle.length; i < count; i++) this.#idle.push(this.#spawn());
  }

  /** An idle worker (the longest-idle first), or a new one. */
  take(): PooledWorker {
    return this.#idle.shift() ?? this.#spawn();
  }

  /** Takes back a worker that has finished its jobs, to serve the next phase; after `close`, stops it. */
  give(worker: PooledWorker): void {
    if (
      this.#closed ||
      worker.child.exitCode !== null ||
      worker.child.signalCode !== null ||
      !worker.child.connected
    ) {
      stopWorker(worker.child);
      return;
    }
    this.#idle.push(worker);
  }

  /** Stops the idle workers (each finishes nothing: it has no job) and any given back later. */
  close(): void {
    this.#closed = true;
    for (const worker of this.#idle.splice(0)) stopWorker(worker.child);
  }

  #spawn(): PooledWorker {
    const worker: PooledWorker = { child: spawnStudyWorker(), ready: false };
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== "ready") return;
      worker.ready = true;
      worker.child.off("message", onMessage);
    };
    worker.child.on("message", onMessage);
    // A worker that dies while idle leaves the pool (a phase that took it sees the exit itself).
    worker.child.once("exit", () => {
      const index = this.#idle.indexOf(worker);
      if (index >= 0) this.#idle.splice(index, 1);
    });
    return worker;
  }
}

/** Ends a worker process: without its IPC channel it stops by itself (see worker-main). */
function stopWorker(child: ChildProcess): void {
  if (child.connected) child.disconnect();
}
