import { join } from "node:path";
import type { Command } from "commander";
import { artifactFileName } from "../tracker/store-layout.js";
import { deploymentRecordArtifact, readDeploymentEvents } from "../serve/deployment-event.js";
import { deploymentLines, summarizeDeployment } from "../serve/deployment-summary.js";
import { flattenParams, openTracker } from "../tracker/index.js";
import { displayText, formatTable, formatValue } from "./ls.js";
import { action, printJson, printLine } from "./output.js";

/** `expbook show RUN`: one run's params, summary, series, tags, environment and artifacts. */
export function register(program: Command): void {
  program
    .command("show")
    .description("show one run (id or unique id prefix) with params, metrics, series, environment")
    .argument("<run>", "run id or a unique prefix of one")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "machine-readable output")
    .action(
      action(async (id: string, options: { store?: string; json?: boolean }) => {
        const tracker = await openTracker({ store: options.store });
        const run = await tracker.run(id);
        const deployment =
          run.params.kind === "deployment"
            ? summarizeDeployment(
                readDeploymentEvents(join(await tracker.artifactFolder(run.id), deploymentRecordArtifact)),
              )
            : undefined;
        if (options.json) {
          printJson(deployment ? { ...run, deployment } : run);
          return;
        }
        printLine(`${run.id}  ${run.status}`);
        printLine(`experiment  ${displayText(run.experiment, 200)}`);
        printLine(`name        ${displayText(run.name, 200)}`);
        printLine(`started     ${run.startedAt}${run.endedAt ? `  ended ${run.endedAt}` : ""}`);
        if (run.seed !== null) printLine(`seed        ${run.seed}`);
        if (run.note) printLine(`note        ${displayText(run.note, 200)}`);
        if (run.error) printLine(`error       ${displayText(run.error, 200)}`);
        const section = (title: string, entries: [string, unknown][]): void => {
          if (entries.length === 0) return;
          printLine(`\n${title}`);
          printLine(
            formatTable(
              entries.map(([key, value]) => [`  ${displayText(key, 60)}`, formatValue(value, 500)]),
            ),
          );
        };
        section("params", Object.entries(flattenParams(run.params)));
        if (deployment) section("deployment so far", deploymentLines(deployment));
        section("summary", Object.entries(run.summary));
        section("tags", Object.entries(run.tags));
        const series = Object.entries(run.series).map(([name, points]): [string, unknown] => {
          const last = points[points.length - 1];
          return [
            name,
            `${points.length} points, last ${formatValue(last?.value)} at step ${last?.step ?? "–"}`,
          ];
        });
        section("series", series);
        if (run.skippedLines)
          printLine(
            `\n${run.skippedLines} damaged line(s) in ${run.path ?? run.id}/metrics.jsonl skipped (a crash or a full disk cut them short)`,
          );
        section(
          "artifacts",
          run.artifacts.map((name) => [
            name,
            tracker.dir !== undefined
              ? join(tracker.dir, "runs", run.id, "artifacts", artifactFileName(name))
              : `in ${tracker.uri}`,
          ]),
        );
        const env = run.env;
        section("environment", [
          [
            "git",
            `${env.gitCommit ?? "no git"}${env.gitDirty ? ` (dirty, diff ${env.gitDiffHash?.slice(0, 12)})` : ""}`,
          ],
          ["node", env.node],
          ["os", env.os],
          ["cpu", env.cpu],
          ["expbook", env.expbookVersion],
          ["tfjs", env.tfjsVersion ? `${env.tfjsVersion} (${env.backend ?? "?"})` : "–"],
          ["host", `${env.hostname} pid ${env.pid}`],
          ["command", env.command.join(" ")],
          ["dataset", run.datasetFingerprint ?? "–"],
          ["split", run.splitFingerprint ?? "–"],
        ]);
      }),
    );
}
