import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Example } from "../data/types.js";
import type { Prediction } from "../systems/system.js";
import type { Tracker } from "../tracker/tracker.js";
import { InputError } from "../util/errors.js";

/**
 * Reads examples to predict from a JSONL file: each line an object with `text` (text models) or
 * `features` (an object of numbers; top-level numeric fields also count), and an optional `id`
 * (default `row-N`, 1-based).
 */
export function readPredictionInput(path: string): Example[] {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch {
    throw new InputError(`cannot read input file ${path}; check the path`);
  }
  const rows: Example[] = [];
  content.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(`${path} line ${i + 1} is not valid JSON; write one JSON object per line`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InputError(`${path} line ${i + 1} is not a JSON object; write one object per line`);
    }
    const record = value as Record<string, unknown>;
    const features: Record<string, number> = {};
    const nested = record.features;
    const source = nested && typeof nested === "object" ? (nested as Record<string, unknown>) : record;
    for (const [key, field] of Object.entries(source)) if (typeof field === "number") features[key] = field;
    rows.push({
      id: record.id === undefined ? `row-${rows.length + 1}` : String(record.id),
      ...(typeof record.text === "string" ? { text: record.text } : {}),
      features,
      meta: {},
    });
  });
  return rows;
}

/**
 * Loads a finetune run's saved model from the store and predicts the examples. TensorFlow.js is loaded
 * here, on the first call, not when expbook is imported.
 */
export async function predictWithRun(
  tracker: Tracker,
  runId: string,
  examples: readonly Example[],
): Promise<{ runId: string; backend: string; predictions: Prediction[] }> {
  const run = await tracker.run(runId);
  const [{ selectBackend }, { loadModel, modelFiles }] = await Promise.all([
    import("./backend.js"),
    import("./model-artifact.js"),
  ]);
  const dir = dirname(await tracker.artifactFile(run.id, modelFiles.json));
  const { backend } = await selectBackend();
  const model = await loadModel(dir);
  try {
    if (model.meta.spec.model !== "mlp" && examples.some((row) => row.text === undefined)) {
      throw new InputError(`run ${run.id} is a text model; give every input line a "text" field`);
    }
    return { runId: run.id, backend, predictions: model.predict(examples) };
  } finally {
    model.dispose();
  }
}
