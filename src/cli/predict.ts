import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { readPredictionInput } from "../finetune/predict-rows.js";
import { loadRunPredictor } from "../serve/run-predictor.js";
import type { Prediction } from "../systems/system.js";
import { openTracker } from "../tracker/index.js";
import { InputError, isUserError, ModelError } from "../util/errors.js";
import { action, printJson, printLine, printStatus } from "./output.js";

interface PredictFlags {
  input?: string;
  out?: string;
  store?: string;
  json?: boolean;
}

/**
 * A saved model that cannot be read (a deleted weights file, a truncated model.json) is the user's
 * to fix, not a bug: one line naming the run and the remedy.
 */
function damagedModelError(id: string, error: unknown): unknown {
  if (isUserError(error)) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const damaged =
    error instanceof SyntaxError ||
    code === "ENOENT" ||
    code === "EISDIR" ||
    /tensor should have|provided shape|weight|buffer|offset/i.test(message);
  if (!damaged) return error;
  return new ModelError(
    `run ${id}: its saved model cannot be read (${code ?? message.split("\n")[0]}); the model files in its artifacts are missing or damaged — train the run again`,
  );
}

/** `expbook predict RUN --input FILE.jsonl`: predicts with the model a finetune or tfidf-logreg run saved, or a rag run's knowledge base. */
export function register(program: Command): void {
  program
    .command("predict")
    .description(
      "predict new examples with the model a finetune or tfidf-logreg run saved (or a rag run's knowledge base)",
    )
    .argument("<run>", "run id or a unique prefix of one (a finished finetune, rag or tfidf-logreg run)")
    .option("--input <file>", "JSONL, one object per line: {id?, text} or {id?, features} / numeric fields")
    .option("--out <file>", "write predictions as JSONL here (default: print them)")
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "print { runId, backend, count, predictions | out } as JSON")
    .action(
      action(async (id: string, flags: PredictFlags) => {
        if (!flags.input) throw new InputError("predict needs --input FILE.jsonl (one JSON object per line)");
        const examples = readPredictionInput(flags.input);
        const tracker = await openTracker({ store: flags.store });
        const predictor = await loadRunPredictor(tracker, id).catch((error: unknown) => {
          throw damagedModelError(id, error);
        });
        let result: { runId: string; backend: string; predictions: Prediction[] };
        try {
          if (predictor.input === "text" && examples.some((row) => row.text === undefined)) {
            throw new InputError(
              `run ${predictor.runId} is a text model; give every input line a "text" field`,
            );
          }
          result = {
            runId: predictor.runId,
            backend: predictor.backend,
            predictions: (() => {
              try {
                return predictor.predict(examples);
              } catch (error) {
                throw damagedModelError(id, error);
              }
            })(),
          };
        } finally {
          predictor.dispose();
        }
        const lines = result.predictions.map((prediction) => JSON.stringify(prediction));
        if (flags.out) {
          try {
            writeFileSync(flags.out, lines.length > 0 ? `${lines.join("\n")}\n` : "");
          } catch (error) {
            throw new InputError(
              `cannot write --out ${flags.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a file path in an existing, writable folder`,
            );
          }
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
