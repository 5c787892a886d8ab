import { type FileHandle, open } from "node:fs/promises";
import { type DeploymentEvent, encodeDeploymentEvent } from "./deployment-event.js";

/** Buffered events are written at least this often. */
const FLUSH_INTERVAL_MS = 50;
/** ... or as soon as this many are waiting. */
const FLUSH_EVENTS = 2_000;

/**
 * Appends deployment events to the record file. Predictions are buffered and written in batches;
 * `appendDurable` resolves only once its event (and every event before it) has been written and
 * fdatasync'ed, so a caller that acknowledges after it never acknowledges a write a crash could lose.
 * Concurrent durable appends share one fdatasync (group commit).
 */
export class DeploymentLog {
  private readonly handle: FileHandle;
  private pending: string[] = [];
  /** Every write and sync runs in this chain, one after the other. */
  private chain: Promise<void> = Promise.resolve();
  /** A durable flush queued but not yet started: later durable appends join it. */
  private queuedSync: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  private constructor(handle: FileHandle) {
    this.handle = handle;
    this.timer = setInterval(() => {
      if (this.pending.length > 0) void this.flush().catch(() => {});
    }, FLUSH_INTERVAL_MS).unref();
  }

  /** Opens (creating if needed) the record at `path` for appending. */
  static async open(path: string): Promise<DeploymentLog> {
    return new DeploymentLog(await open(path, "a"));
  }

  /** Buffers an event; it reaches the file within 50 ms. */
  append(event: DeploymentEvent): void {
    if (this.closed) return;
    this.pending.push(`${encodeDeploymentEvent(event)}\n`);
    if (this.pending.length >= FLUSH_EVENTS) void this.flush().catch(() => {});
  }

  /** Appends an event and resolves once it is on disk (written and fdatasync'ed). */
  appendDurable(event: DeploymentEvent): Promise<void> {
    this.append(event);
    if (this.queuedSync) return this.queuedSync;
    const sync = this.enqueue(async () => {
      this.queuedSync = null;
      await this.writePending();
      await this.handle.datasync();
    });
    this.queuedSync = sync;
    return sync;
  }

  /** Writes buffered events (without fdatasync). */
  flush(): Promise<void> {
    return this.enqueue(() => this.writePending());
  }

  /** Writes what is buffered, syncs and closes the file; later appends are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    const last = this.enqueue(async () => {
      await this.writePending();
      await this.handle.datasync();
    });
    this.closed = true;
    try {
      await last;
    } finally {
      await this.handle.close();
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    // A failed write fails its callers; the chain goes on for the next ones.
    this.chain = next.catch(() => {});
    return next;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    await this.handle.appendFile(text, "utf8");
  }
}
