import { join } from "node:path";
import type { Command } from "commander";
import { deploymentRecordArtifact, readDeploymentEvents } from "../serve/deployment-event.js";
import { exportFeedback } from "../serve/feedback-export.js";
import { runKind } from "../serve/run-predictor.js";
import { openTracker } from "../tracker/index.js";
import { InputError } from "../util/errors.js";
import { integerFlag } from "./dataset-flags.js";
import { action, printJson, printLine, printStatus } from "./output.js";

interface FeedbackFlags {
  out?: string;
  seed: string;
  store?: string;
  json?: boolean;
}

/** `expbook feedback DEPLOYMENT --out DIR`: exports a deployment's labelled feedback as a dataset. */
export function register(program: Command): void {
  program
    .command("feedback")
    .description("export a deployment's labelled feedback as a JSONL dataset, with a live accuracy estimate")
    .argument("<deployment>", "deployment run id or a unique prefix of one (from expbook serve)")
    .option("--out <dir>", "folder to write feedback.jsonl into")
    .option("--seed <n>", "seed of the bootstrap CI", "0")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "print { deployment, servedRun, path, rows, live } as JSON")
    .action(
      action(async (id: string, flags: FeedbackFlags) => {
        if (!flags.out)
          throw new InputError("feedback needs --out DIR (the folder to write feedback.jsonl into)");
        const tracker = await openTracker({ store: flags.store });
        const run = await tracker.run(id);
        if (runKind(run) !== "deployment") {
          throw new InputError(
            `run ${run.id} is not a deployment; give the deployment run \`expbook serve\` printed (expbook ls --where 'kind = "deployment"')`,
          );
        }
        const events = readDeploymentEvents(
          join(await tracker.artifactFolder(run.id), deploymentRecordArtifact),
        );
        const result = exportFeedback(events, flags.out, { seed: integerFlag("seed", flags.seed) });
        const servedRun = run.params.servedRun;
        if (flags.json) {
          printJson({ deployment: run.id, servedRun, ...result });
          return;
        }
        printStatus(`exported ${result.rows} rows with feedback → ${result.path}`);
        const live = result.live;
        if (live === null) printLine("no feedback yet: nothing to estimate");
        else {
          const pct = (x: number) =>
            live.metric === "accuracy" ? `${(100 * x).toFixed(1)}%` : x.toPrecision(4);
          printLine(
            `live ${live.metric} of run ${String(servedRun)}: ${pct(live.estimate)} (${Math.round(100 * live.confidence)}% CI ${pct(live.low)}–${pct(live.high)}, n = ${live.n})`,
          );
        }
        const inputFlags = events.some((event) => event.type === "prediction" && "features" in event.input)
          ? "--features ..."
          : "--text text";
        printLine(
          `retrain: expbook fit KIND --dataset ${result.path} ${inputFlags} ${live?.metric === "mae" ? "--target target" : "--label label"}`,
        );
      }),
    );
}
