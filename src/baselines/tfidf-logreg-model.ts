import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { z } from "zod";
import type { Example } from "../data/types.js";
import type { Prediction } from "../systems/system.js";
import { ModelError } from "../util/errors.js";
import { type LogisticModel, predictProbabilities } from "./logistic-regression.js";
import { predictRidge, type RidgeModel } from "./ridge-regression.js";
import type { SparseRow } from "./sparse-matrix.js";
import { textOf } from "./text-of.js";
import { type TfidfVectorizer, tfidfRow } from "./tfidf-vectorizer.js";
import { lazySchema } from "../util/lazy-schema.js";

/**
 * File name of a tfidf-logreg run's fitted model inside its artifact folder: gzipped JSON (a quarter of
 * the bytes). Runs saved before it have the same JSON uncompressed, `tfidf-logreg.json`, which loads too.
 */
export const tfidfLogregArtifact = "tfidf-logreg.json.gz";
const plainArtifact = "tfidf-logreg.json";

const format = "expbook-tfidf-logreg/1";

/** A fitted TF-IDF + logistic (or ridge) regression: everything needed to predict new texts. */
export type TfidfLogregModel =
  | { task: "classification"; labels: string[]; vectorizer: TfidfVectorizer; logistic: LogisticModel }
  | { task: "regression"; labels: string[]; vectorizer: TfidfVectorizer; ridge: RidgeModel };

// Numbers go through JSON as JavaScript prints them, which round-trips every float64 exactly: a loaded
// model predicts the very scores the run recorded.
const modelFile = lazySchema(({ z }) => {
  const finite = z.number().refine(Number.isFinite);
  return z
    .object({
      format: z.literal(format),
      task: z.enum(["classification", "regression"]),
      labels: z.array(z.string()),
      /** Terms in column order. */
      terms: z.array(z.string()),
      idf: z.array(finite),
      options: z.object({ maxFeatures: z.number(), minDf: z.number(), sublinearTf: z.boolean() }).strict(),
      /** Classification: classes × terms weights, row-major, and one bias per class. */
      weights: z.array(finite),
      bias: z.array(finite).optional(),
      intercept: finite.optional(),
      iterations: z.number(),
      converged: z.boolean().optional(),
    })
    .strict();
});

/** Writes the fitted model as `DIR/tfidf-logreg.json.gz` (atomically); returns the file name. */
export function saveTfidfLogregModel(dir: string, model: TfidfLogregModel): string {
  const terms: string[] = new Array(model.vectorizer.vocabulary.size);
  for (const [term, col] of model.vectorizer.vocabulary) terms[col] = term;
  const file: z.input<typeof modelFile> = {
    format,
    task: model.task,
    labels: model.labels,
    terms,
    idf: Array.from(model.vectorizer.idf),
    options: {
      maxFeatures: model.vectorizer.options.maxFeatures,
      minDf: model.vectorizer.options.minDf,
      sublinearTf: model.vectorizer.options.sublinearTf,
    },
    ...(model.task === "classification"
      ? {
          weights: Array.from(model.logistic.weights),
          bias: Array.from(model.logistic.bias),
          iterations: model.logistic.iterations,
          converged: model.logistic.converged,
        }
      : {
          weights: Array.from(model.ridge.weights),
          intercept: model.ridge.intercept,
          iterations: model.ridge.iterations,
        }),
  };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, tfidfLogregArtifact);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, gzipSync(`${JSON.stringify(file)}\n`));
  renameSync(temp, path);
  return tfidfLogregArtifact;
}

/** Loads the model `saveTfidfLogregModel` wrote in `dir`; a missing or damaged file is a ModelError. */
export function loadTfidfLogregModel(dir: string): TfidfLogregModel {
  const packed = join(dir, tfidfLogregArtifact);
  const path = existsSync(packed) ? packed : join(dir, plainArtifact);
  if (!existsSync(path)) {
    throw new ModelError(
      `no fitted model at ${packed}; the run predates saved tfidf-logreg models — fit it again (expbook rerun)`,
    );
  }
  let parsed: z.output<typeof modelFile>;
  try {
    const bytes = readFileSync(path);
    parsed = modelFile.parse(JSON.parse((path === packed ? gunzipSync(bytes) : bytes).toString("utf8")));
  } catch {
    throw new ModelError(`${path} is not a readable tfidf-logreg model; fit the run again`);
  }
  const cols = parsed.terms.length;
  const classes = parsed.labels.length;
  const expected = parsed.task === "classification" ? classes * cols : cols;
  if (parsed.idf.length !== cols || parsed.weights.length !== expected) {
    throw new ModelError(`${path} has weights that do not match its vocabulary; fit the run again`);
  }
  const vectorizer: TfidfVectorizer = {
    vocabulary: new Map(parsed.terms.map((term, col) => [term, col])),
    idf: Float64Array.from(parsed.idf),
    options: parsed.options,
  };
  if (parsed.task === "classification") {
    if (parsed.bias?.length !== classes)
      throw new ModelError(`${path} has no bias per class; fit the run again`);
    return {
      task: "classification",
      labels: parsed.labels,
      vectorizer,
      logistic: {
        classes,
        cols,
        weights: Float64Array.from(parsed.weights),
        bias: Float64Array.from(parsed.bias),
        iterations: parsed.iterations,
        converged: parsed.converged ?? true,
      },
    };
  }
  return {
    task: "regression",
    labels: parsed.labels,
    vectorizer,
    ridge: {
      weights: Float64Array.from(parsed.weights),
      intercept: parsed.intercept ?? 0,
      iterations: parsed.iterations,
    },
  };
}

/** Predicts one example: the most probable label and every class's probability, or the ridge value. */
export function predictTfidfLogreg(model: TfidfLogregModel, example: Example): Prediction {
  return predictTfidfLogregRow(
    model,
    example.id,
    tfidfRow(model.vectorizer, textOf(example, "tfidf-logreg")),
  );
}

/** `predictTfidfLogreg` of an example already turned into its TF-IDF row (`tfidfRow`). */
export function predictTfidfLogregRow(model: TfidfLogregModel, id: string, row: SparseRow): Prediction {
  if (model.task === "regression") return { id, value: predictRidge(model.ridge, row) };
  const p = predictProbabilities(model.logistic, row);
  let best = 0;
  for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
  const scores = Object.fromEntries(model.labels.map((label, k) => [label, p[k] as number]));
  return { id, label: model.labels[best] as string, scores };
}
