/** What the process hooks need from a live run. */
export interface OpenRun {
  /** Writes buffered points and metadata synchronously. */
  flushSync(): void;
  /** Records the final status synchronously and stops the run's timers. */
  endSync(status: "finished" | "failed" | "killed", error: string | null): void;
}

const openRuns = new Set<OpenRun>();
let signalsInstalled = false;
let exitInstalled = false;
let receivedSignal: NodeJS.Signals | null = null;

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

function onSignal(signal: NodeJS.Signals): void {
  receivedSignal = signal;
  for (const run of [...openRuns]) {
    try {
      run.flushSync();
      run.endSync("killed", `received ${signal}`);
    } catch {
      // Keep going: the other runs still deserve their final state.
    }
  }
  // Other code listening for this signal decides whether the process ends. Alone, we restore the
  // default disposition and re-raise, so the process dies of the signal (exit status 130 / 143).
  if (process.listenerCount(signal) > 1) return;
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  signalsInstalled = false;
  process.kill(process.pid, signal);
}

function onExit(code: number): void {
  for (const run of [...openRuns]) {
    try {
      run.flushSync();
      if (receivedSignal !== null) run.endSync("killed", `received ${receivedSignal}`);
      else if (code === 0) run.endSync("finished", null);
      else run.endSync("failed", `process exited with code ${code} before the run finished`);
    } catch {
      // nothing more can be done while exiting
    }
  }
}

/**
 * Registers a live run so that SIGINT/SIGTERM and process exit flush it and record how it ended.
 * The handlers are installed once per process, on the first run.
 */
export function trackOpenRun(run: OpenRun): void {
  openRuns.add(run);
  if (!signalsInstalled) {
    signalsInstalled = true;
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  if (!exitInstalled) {
    exitInstalled = true;
    process.on("exit", onExit);
  }
}

/** Forgets a run that has ended. */
export function untrackOpenRun(run: OpenRun): void {
  openRuns.delete(run);
}
