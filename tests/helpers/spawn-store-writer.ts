import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const script = new URL("./store-writer.ts", import.meta.url).pathname;

/** A `store-writer.ts` child process and what it has printed. */
export interface StoreWriter {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line starting with `prefix` (rejects if the child exits first). */
  waitFor(prefix: string): Promise<string>;
  /** How the child ended, with its standard error. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Spawns `node --import tsx store-writer.ts URI ...args`, with its own temp folder (where a killed
 * child's staged artifacts stay), removed when it exits.
 */
export function spawnStoreWriter(uri: string, args: string[]): StoreWriter {
  const temp = mkdtempSync(join(tmpdir(), "expbook-writer-"));
  const child = spawn(process.execPath, ["--import", "tsx", script, uri, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TMPDIR: temp },
  });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  let pending = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => line.startsWith(w.prefix))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
      newline = pending.indexOf("\n");
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) =>
      child.on("close", (code, signal) => {
        rmSync(temp, { recursive: true, force: true });
        resolve({ code, signal, stderr });
      }),
  );
  return {
    child,
    lines,
    exited,
    waitFor(prefix) {
      const seen = lines.find((line) => line.startsWith(prefix));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ prefix, resolve });
        void exited.then((end) =>
          reject(
            new Error(`store-writer exited (${end.code ?? end.signal}) before "${prefix}": ${end.stderr}`),
          ),
        );
      });
    },
  };
}
