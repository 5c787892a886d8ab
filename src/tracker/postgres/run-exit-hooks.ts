import type { EndStatus } from "./postgres-live-run.js";

/** What the exit hooks need from a live run. */
export interface EndableRun {
  end(status: EndStatus, error: string | null, retryForMs?: number): Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
// A signal or a natural exit waits this long for an unreachable server before giving up.
const EXIT_RETRY_MS = 3_000;

/**
 * Process hooks of one PostgreSQL store (installed while it has open runs): SIGINT/SIGTERM record its
 * open runs as killed, then the signal takes its course; a process that runs out of work with runs still
 * open records them finished (exit code 0) or failed. A SIGKILL or `process.exit()` cannot be caught
 * asynchronously: such a run stops its heartbeat and reads `crashed` once it is stale.
 */
export class RunExitHooks {
  private readonly runs = new Set<EndableRun>();
  private installed = false;
  private receivedSignal: NodeJS.Signals | null = null;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.receivedSignal = signal;
    void this.endAll("killed", `received ${signal}`).finally(() => {
      // Alone, we restore the default disposition and re-raise, so the process dies of the signal.
      if (process.listenerCount(signal) > 1) return;
      this.uninstall();
      process.kill(process.pid, signal);
    });
  };
  private readonly onBeforeExit = (): void => {
    if (this.runs.size === 0) return;
    const code = Number(process.exitCode ?? 0);
    if (this.receivedSignal !== null) void this.endAll("killed", `received ${this.receivedSignal}`);
    else if (code === 0) void this.endAll("finished", null);
    else void this.endAll("failed", `process exited with code ${code} before the run finished`);
  };

  /** Starts watching a run. */
  add(run: EndableRun): void {
    this.runs.add(run);
    if (this.installed) return;
    this.installed = true;
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
    process.on("beforeExit", this.onBeforeExit);
  }

  /** Stops watching a run that has ended; removes the hooks when none is left. */
  delete(run: EndableRun): void {
    this.runs.delete(run);
    if (this.runs.size === 0) this.uninstall();
  }

  /** Removes the hooks. */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
    process.removeListener("beforeExit", this.onBeforeExit);
  }

  private async endAll(status: EndStatus, error: string | null): Promise<void> {
    await Promise.all(
      [...this.runs].map((run) =>
        run.end(status, error, EXIT_RETRY_MS).catch(() => {
          // The server is gone: the run reads crashed once its heartbeat is stale.
        }),
      ),
    );
  }
}
