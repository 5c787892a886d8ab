import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { action, printJson, printLine } from "./output.js";
import { describe } from "./progress.js";

interface StatusFlags {
  store?: string;
  queue?: string;
  json?: boolean;
}

/** The study a `status` argument names: a study file's `name`, or the argument itself. */
function studyName(argument: string): string {
  if (!argument.endsWith(".json") || !existsSync(argument)) return argument;
  try {
    const name = (JSON.parse(readFileSync(argument, "utf8")) as { name?: unknown }).name;
    return typeof name === "string" ? name : argument;
  } catch {
    return argument;
  }
}

/** `expbook status STUDY`: how a distributed study stands in the queue. */
export function register(program: Command): void {
  program
    .command("status")
    .description("how a distributed study stands: jobs done, running (on which host), failed, queued")
    .argument("<study>", "study file or study name")
    .option("--store <uri>", "run store (default: $EXPBOOK_STORE, else <project root>/.expbook)")
    .option(
      "--queue <uri>",
      "the queue's PostgreSQL database (default: $EXPBOOK_QUEUE, else a postgres:// store)",
    )
    .option("--json", "print the status as JSON")
    .action(
      action(async (argument: string, flags: StatusFlags) => {
        const { distributedStoreUri } = await import("../distributed/store-uri.js");
        const { resolveQueueUri } = await import("../distributed/queue-uri.js");
        const { openQueue, DEFAULT_HEARTBEAT_SECONDS } = await import("../distributed/open-queue.js");
        const { studyStatus } = await import("../distributed/study-status.js");
        const store = distributedStoreUri(flags.store);
        const boss = await openQueue({
          uri: resolveQueueUri(flags.queue, store),
          heartbeatSeconds: DEFAULT_HEARTBEAT_SECONDS,
        });
        try {
          const status = await studyStatus(boss, studyName(argument), store);
          if (flags.json) {
            printJson(status);
            return;
          }
          const { counts } = status;
          printLine(
            `study ${status.study}: ${status.jobs.length} job(s): ${counts.done} done, ${counts.running} running, ${counts.retrying} retrying, ${counts.failed} failed, ${counts.queued} queued${counts.cancelled ? `, ${counts.cancelled} cancelled` : ""}`,
          );
          const order = ["running", "retrying", "failed", "queued", "cancelled", "done"];
          const jobs = [...status.jobs].sort(
            (a, b) => order.indexOf(a.state) - order.indexOf(b.state) || a.name.localeCompare(b.name),
          );
          for (const job of jobs) {
            const where =
              job.state === "running" && job.host ? ` on ${job.host} (pid ${job.pid}, run ${job.runId})` : "";
            const progress = job.progress ? `: ${describe(job.progress)}` : "";
            const detail = job.message
              ? `: ${job.message}`
              : job.runId && job.state === "done"
                ? `: run ${job.runId}`
                : "";
            printLine(
              `${job.state.padEnd(9)} ${job.name}${where}${progress}${detail} [attempt ${job.attempts}]`,
            );
          }
        } finally {
          await boss.stop({ graceful: false, timeout: 1000 });
        }
      }),
    );
}
