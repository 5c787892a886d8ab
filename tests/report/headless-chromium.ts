// A minimal DevTools-protocol client for Debian's headless Chromium, driven over
// --remote-debugging-pipe (fds 3 and 4, NUL-separated JSON): no WebSocket, no port, no dependency.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** Where Debian installs Chromium (scripts/setup.sh installs the package). */
export const chromiumPath = process.env.EXPBOOK_CHROMIUM ?? "/usr/bin/chromium";

/** A DevTools event: method and params, with the session it came from. */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** A running headless Chromium and a DevTools connection to it. */
export class HeadlessChromium {
  readonly events: CdpEvent[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((event: CdpEvent) => void)[] = [];
  private buffer = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly input: Writable,
    output: Readable,
    private readonly userDataDir: string,
  ) {
    output.on("data", (chunk: Buffer) => this.receive(chunk.toString("utf8")));
    child.on("exit", () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error("chromium exited"));
      this.pending.clear();
    });
  }

  /** Starts Chromium headless with a fresh profile, no network services, and the DevTools pipe. */
  static launch(): HeadlessChromium {
    if (!existsSync(chromiumPath)) {
      throw new Error(`no Chromium at ${chromiumPath}: run scripts/setup.sh (apt-get install chromium)`);
    }
    const userDataDir = mkdtempSync(join(tmpdir(), "expbook-chromium-"));
    const child = spawn(
      chromiumPath,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        `--user-data-dir=${userDataDir}`,
        "--remote-debugging-pipe",
        "about:blank",
      ],
      { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
    );
    const input = child.stdio[3] as Writable;
    const output = child.stdio[4] as Readable;
    return new HeadlessChromium(child, input, output, userDataDir);
  }

  /** Sends one DevTools command and resolves with its result. */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.input.write(`${message}\0`);
    });
  }

  /** Resolves with the first event (already seen or future) that matches. */
  waitFor(predicate: (event: CdpEvent) => boolean, timeoutMs = 120_000): Promise<CdpEvent> {
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting for a DevTools event")), timeoutMs);
      this.listeners.push((event) => {
        if (predicate(event)) {
          clearTimeout(timer);
          resolve(event);
        }
      });
    });
  }

  /** Stops Chromium and removes its profile. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    try {
      await Promise.race([this.send("Browser.close"), new Promise((resolve) => setTimeout(resolve, 2000))]);
    } catch {
      // Browser.close races the pipe closing; the exit below is what matters.
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    if (this.child.exitCode === null && this.child.signalCode === null) await exited;
    clearTimeout(timer);
    rmSync(this.userDataDir, { recursive: true, force: true });
  }

  private receive(text: string): void {
    this.buffer += text;
    for (let end = this.buffer.indexOf("\0"); end >= 0; end = this.buffer.indexOf("\0")) {
      const message = JSON.parse(this.buffer.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
      } else if (message.method) {
        const event: CdpEvent = { method: message.method, params: message.params ?? {} };
        if (message.sessionId) event.sessionId = message.sessionId;
        this.events.push(event);
        // A dialog would block the page; dismiss it so the test can report it instead of hanging.
        if (event.method === "Page.javascriptDialogOpening") {
          this.send("Page.handleJavaScriptDialog", { accept: true }, event.sessionId).catch(() => {});
        }
        for (const listener of this.listeners) listener(event);
      }
    }
  }
}
