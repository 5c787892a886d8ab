import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { predictWithRun, readPredictionInput } from "../finetune/predict-rows.js";
import { openTracker, resolveStoreDir } from "../tracker/index.js";
import { InputError } from "../util/errors.js";
import { action, printJson, printLine, printStatus } from "./output.js";

interface PredictFlags {
  input?: string;
  out?: string;
  store?: string;
  json?: boolean;
}

/** `expbook predict RUN --input FILE.jsonl`: predicts with a finetune run's saved model. */
export function register(program: Command): void {
  program
    .command("predict")
    .description("predict new examples with the model a finetune run saved")
    .argument("<run>", "run id or a unique prefix of one (a finished finetune run)")
    .option("--input <file>", "JSONL, one object per line: {id?, text} or {id?, features} / numeric fields")
    .option("--out <file>", "write predictions as JSONL here (default: print them)")
    .option("--store <dir>", "run store directory (default: $EXPBOOK_STORE, else <project root>/.expbook)")
    .option("--json", "print { runId, backend, count, predictions | out } as JSON")
    .action(
      action(async (id: string, flags: PredictFlags) => {
        if (!flags.input) throw new InputError("predict needs --input FILE.jsonl (one JSON object per line)");
        const examples = readPredictionInput(flags.input);
        const tracker = await openTracker({ dir: resolveStoreDir(flags.store) });
        const result = await predictWithRun(tracker, id, examples);
        const lines = result.predictions.map((prediction) => JSON.stringify(prediction));
        if (flags.out) {
          writeFileSync(flags.out, lines.length > 0 ? `${lines.join("\n")}\n` : "");
          printStatus(
            `predicted ${lines.length} rows with run ${result.runId} (${result.backend}) → ${flags.out}`,
          );
        }
        if (flags.json) {
          printJson({
            runId: result.runId,
            backend: result.backend,
            count: result.predictions.length,
            ...(flags.out ? { out: flags.out } : { predictions: result.predictions }),
          });
        } else if (!flags.out) {
          for (const line of lines) printLine(line);
        }
      }),
    );
}
