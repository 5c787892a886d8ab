import { type ChildProcess, spawn } from "node:child_process";

/** How a child process ended, with its standard error. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A `.ts` script run as a child process, and the lines it has printed so far. */
export interface LineChild {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line starting with `prefix` (rejects if the child exits first). */
  waitFor(prefix: string): Promise<string>;
  /** How the child ended. */
  exited: Promise<ChildEnd>;
}

/**
 * Spawns `node --import tsx SCRIPT ...args` and collects its standard output line by line.
 * `onClose` runs when the child has exited (before `exited` resolves), e.g. to remove its temp folder.
 */
export function spawnLineChild(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onClose?: () => void } = {},
): LineChild {
  const name = script.slice(script.lastIndexOf("/") + 1);
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.env !== undefined ? { env: options.env } : {}),
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
  const exited = new Promise<ChildEnd>((resolve) =>
    child.on("close", (code, signal) => {
      options.onClose?.();
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
          reject(new Error(`${name} exited (${end.code ?? end.signal}) before "${prefix}": ${end.stderr}`)),
        );
      });
    },
  };
}
