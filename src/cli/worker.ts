import { spawn } from "node:child_process";
import type { Command } from "commander";
import { InputError } from "../util/errors.js";
import { integerFlag } from "./dataset-flags.js";
import { action, printStatus } from "./output.js";

interface WorkerFlags {
  store?: string;
  queue?: string;
  concurrency?: string;
  heartbeat?: string;
  poll?: string;
}

const SIGNAL_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Runs `count` single-job workers as child processes with the same flags; resolves with the worst exit code. */
function runChildren(count: number, args: string[]): Promise<number> {
  const bin = process.argv[1] ?? "";
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [bin, "worker", ...args], { stdio: "inherit" }),
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      for (const child of children) child.kill(signal);
    });
  }
  return Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve) =>
          child.once("exit", (code, signal) => resolve(code ?? SIGNAL_CODES[signal ?? ""] ?? 1)),
        ),
    ),
  ).then((codes) => Math.max(...codes));
}

/** `expbook worker`: serves the distributed study queue on this machine until SIGINT/SIGTERM. */
export function register(program: Command): void {
  program
    .command("worker")
    .description("serve distributed studies: take jobs from the queue, fit them here, record the runs")
    .option(
      "--store <uri>",
      "run store for the runs (default: $EXPBOOK_STORE, else the store each job names)",
    )
    .option(
      "--queue <uri>",
      "the queue's PostgreSQL database (default: $EXPBOOK_QUEUE, else a postgres:// store)",
    )
    .option("--concurrency <n>", "jobs at a time, each in a worker process of its own", "1")
    .option("--heartbeat <seconds>", "a worker silent this long is presumed dead; its job is retried", "60")
    .option(
      "--poll <seconds>",
      "how often an idle worker looks for jobs besides being notified of new ones",
      "2",
    )
    .action(
      action(async (flags: WorkerFlags) => {
        const concurrency = integerFlag("concurrency", flags.concurrency ?? "1");
        const heartbeatSeconds = integerFlag("heartbeat", flags.heartbeat ?? "60");
        const pollSeconds = integerFlag("poll", flags.poll ?? "2");
        if (pollSeconds < 1) throw new InputError(`--poll ${pollSeconds} must be at least 1 second`);
        const { distributedStoreUri } = await import("../distributed/store-uri.js");
        const { resolveQueueUri } = await import("../distributed/queue-uri.js");
        const storeGiven = flags.store ?? (process.env.EXPBOOK_STORE || undefined);
        const store = storeGiven === undefined ? undefined : distributedStoreUri(storeGiven);
        const queueUri = resolveQueueUri(flags.queue, store);
        if (concurrency > 1) {
          const args = [
            "--queue",
            queueUri,
            "--heartbeat",
            String(heartbeatSeconds),
            "--poll",
            String(pollSeconds),
          ];
          if (store !== undefined) args.push("--store", store);
          process.exitCode = await runChildren(concurrency, args);
          return;
        }
        const { startQueueWorker } = await import("../distributed/queue-worker.js");
        const worker = await startQueueWorker({
          queueUri,
          ...(store !== undefined ? { store } : {}),
          heartbeatSeconds,
          pollSeconds,
          log: printStatus,
        });
        printStatus(`expbook worker ${process.pid}: waiting for jobs (Ctrl-C to stop)`);
        for (const signal of ["SIGINT", "SIGTERM"] as const) {
          process.on(signal, () => {
            printStatus(
              `expbook worker ${process.pid}: received ${signal}; the job in progress (if any) goes back to the queue and its run is marked killed`,
            );
            void worker.stop({ release: true }).then(() => process.exit(SIGNAL_CODES[signal]));
          });
        }
        await worker.stopped;
      }),
    );
}
