import type { Command } from "commander";
import { refreshEnv } from "../http/cached-post.js";
import { writeReport } from "../report/write-report.js";
import { checkStudyFile, withStudyDataset } from "../study/load-study.js";
import type { StudyJob } from "../study/plan.js";
import { runStudy } from "../study/run-study.js";
import { resolveStoreUri } from "../tracker/store/open-run-store.js";
import { integerFlag } from "./dataset-flags.js";
import { action, printJson, printLine, printStatus } from "./output.js";
import { createProgressReporter } from "./progress.js";
import { summaryTable } from "./summary-table.js";

interface RunFlags {
  refresh?: boolean;
  seeds?: string;
  only?: string;
  workers?: string;
  quick?: boolean;
  store?: string;
  out?: string;
  md?: string;
  report?: boolean;
  json?: boolean;
  distributed?: boolean;
  queue?: string;
  detach?: boolean;
  retries?: string;
  heartbeat?: string;
}

/** The progress-bar label of a job: its key's start (jobs of one system differ by seed) and its system. */
function jobLabel(job: StudyJob): string {
  return `${job.key.slice(0, 6)} ${job.system}`;
}

/** `expbook run STUDY`: runs a study, prints its summary table and writes its report. */
export function register(program: Command): void {
  program
    .command("run")
    .description("run a study: every system × seed (× sweep trial), selected on validation, scored on test")
    .argument("<study>", "study file, e.g. experiments/spam-ft-vs-rag.json")
    .option("--seeds <n>", "number of seeds (default: the study's)")
    .option("--only <systems>", "comma-separated system names to run")
    .option("--workers <n>", "parallel worker processes (default: CPU cores)")
    .option("--refresh", "http systems: ask the endpoint again instead of reusing cached answers")
    .option("--quick", "smoke test: the study's quick settings (fewer seeds, epochs, trials)")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--out <file>", "report HTML path (default: reports/<study>.html)")
    .option("--md <file>", "also write the report as Markdown")
    .option("--no-report", "do not write the report")
    .option("--json", "print the outcome as JSON")
    .option("--distributed", "enqueue the jobs for `expbook worker`s on any machine and follow them")
    .option(
      "--queue <uri>",
      "the queue's PostgreSQL database (default: $EXPBOOK_QUEUE, else a postgres:// store)",
    )
    .option("--detach", "with --distributed: submit the jobs and return (see `expbook status`)")
    .option(
      "--retries <n>",
      "with --distributed: attempts after a failed one (failing fit, dead worker)",
      "2",
    )
    .option("--heartbeat <seconds>", "with --distributed: a worker silent this long is presumed dead", "60")
    .action(
      action(async (path: string, flags: RunFlags) => {
        if (flags.refresh) process.env[refreshEnv] = "1";
        // A distributed run enqueues its jobs before loading the dataset's rows, so workers start meanwhile.
        const checked = await checkStudyFile(path);
        const store = resolveStoreUri(flags.store);
        const progress = createProgressReporter({ quiet: flags.json === true && !process.stderr.isTTY });
        let settled = 0;
        let total = 0;
        const plan = {
          ...(flags.quick ? { quick: true } : {}),
          ...(flags.seeds ? { seeds: integerFlag("seeds", flags.seeds) } : {}),
          ...(flags.only ? { only: flags.only.split(",").map((name) => name.trim()) } : {}),
        };
        const queue =
          flags.distributed || flags.detach
            ? await (await import("./run-distributed.js")).openDistributedRun(checked, flags, plan)
            : undefined;
        if (queue?.detached) return progress.stop();
        const loaded = await withStudyDataset(checked);
        const outcome = await runStudy(loaded, {
          ...(queue ? { executor: queue.executor } : {}),
          store,
          ...(flags.quick ? { quick: true } : {}),
          ...(flags.seeds ? { seeds: integerFlag("seeds", flags.seeds) } : {}),
          ...(flags.only ? { only: flags.only.split(",").map((name) => name.trim()) } : {}),
          ...(flags.workers ? { workers: integerFlag("workers", flags.workers) } : {}),
          progress: {
            onPhase: (phase, count, reused) => {
              if (count === 0) return;
              total += count - reused;
              progress.log(
                `${loaded.study.name}: ${phase}: ${count} run(s)${reused ? `, ${reused} already done (reused)` : ""}`,
              );
              progress.overall(settled, total);
            },
            onJobProgress: (job, event) => progress.update(jobLabel(job), event),
            onJobSettled: (job, outcome) => {
              settled++;
              progress.finish(jobLabel(job));
              progress.overall(
                settled,
                total,
                outcome.ok ? `done ${job.system} seed ${job.seed}` : `FAILED ${job.system} seed ${job.seed}`,
              );
              if (!outcome.ok)
                progress.log(`${job.system} seed ${job.seed} failed: ${outcome.message.split("\n")[0]}`);
            },
          },
        }).finally(() => queue?.close());
        progress.stop();
        const report =
          flags.report === false
            ? null
            : await writeReport({
                store,
                experiment: outcome.experiment,
                ...(flags.out ? { out: flags.out } : {}),
                ...(flags.md ? { md: flags.md } : {}),
              });
        if (flags.json) {
          printJson({
            ...outcome,
            failed: outcome.failed.map((f) => ({
              system: f.job.system,
              seed: f.job.seed,
              message: f.message,
            })),
            report: report ? { html: report.html, md: report.md, plots: report.plots } : null,
            results: report?.model.results ?? null,
            tests: report?.model.tests ?? null,
            budgets: report?.model.budgets ?? null,
            intervalMethod: report?.model.intervalMethod ?? null,
          });
        } else {
          printLine(
            `study ${outcome.experiment}: ${outcome.ran} run(s) ran, ${outcome.reused} reused, ${outcome.failed.length} failed; seeds ${outcome.seeds.join(", ")}`,
          );
          for (const selection of outcome.selections) {
            printLine(
              `selected on validation for ${selection.system}${selection.labelled ? ` (n=${selection.labelled})` : ""}: trial ${selection.trial + 1} ${JSON.stringify(selection.trialParams)}`,
            );
          }
          if (report) {
            printLine("");
            printLine(summaryTable(report.model));
            printLine("");
            printLine(`report: ${report.html}${report.md ? ` and ${report.md}` : ""}`);
          }
        }
        if (outcome.failed.length > 0) {
          printStatus(
            `expbook: ${outcome.failed.length} run(s) failed; fix the cause and run the same command again to finish the study (finished runs are reused)`,
          );
          process.exitCode = 1;
        }
      }),
    );
}
