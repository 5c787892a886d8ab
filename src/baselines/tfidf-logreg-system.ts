import type { z } from "zod";
import type { Example } from "../data/types.js";
import type { Prediction, SystemContext, SystemDefinition } from "../systems/system.js";
import { defineSystem } from "../systems/define-system.js";
import { ModelError } from "../util/errors.js";
import { fitLogisticRegression } from "./logistic-regression.js";
import { fitRidgeRegression } from "./ridge-regression.js";
import { type SparseRow, stackRows } from "./sparse-matrix.js";
import { textOf } from "./text-of.js";
import { predictTfidfLogregRow, saveTfidfLogregModel, type TfidfLogregModel } from "./tfidf-logreg-model.js";
import { fitTfidfTokenIds, tfidfRowsOfTokenIds } from "./tfidf-vectorizer.js";
import { cachedTokenIds } from "../cache/token-cache.js";
import { lazySchema } from "../util/lazy-schema.js";

/** Params of the "tfidf-logreg" system; every field has a default and unknown keys are rejected. */
export const tfidfLogregParams = lazySchema(({ z }) =>
  z
    .object({
      /** Vocabulary cap: the terms in most training documents. */
      maxFeatures: z.number().int().min(1).default(50_000),
      /** Drop terms seen in fewer training documents than this. */
      minDf: z.number().int().min(1).default(1),
      /** 1 + ln(tf) term frequencies. */
      sublinearTf: z.boolean().default(true),
      /** Inverse L2 strength of the logistic regression (scikit-learn's C). */
      C: z.number().positive().default(10),
      /** L2 strength of the ridge regression used for regression tasks. */
      alpha: z.number().positive().default(1),
      /** L-BFGS iteration cap. */
      maxIterations: z.number().int().min(1).default(300),
    })
    .strict(),
);

/** Validated params of the "tfidf-logreg" system. */
export type TfidfLogregParams = z.output<typeof tfidfLogregParams>;

/**
 * TF-IDF (sublinear tf, smoothed idf, L2 norm) + multinomial logistic regression, or ridge regression
 * for regression tasks, both fitted by deterministic L-BFGS: the classic strong text baseline.
 */
export const tfidfLogregSystem: SystemDefinition<typeof tfidfLogregParams> = defineSystem({
  kind: "tfidf-logreg",
  description:
    "TF-IDF features + L2 logistic regression (ridge regression for regression tasks), fitted by L-BFGS",
  params: tfidfLogregParams,
  run: async (context: SystemContext<TfidfLogregParams>) => {
    const { params } = context;
    // Tokenised once per split, through the derived cache the other systems of the split share.
    const tokensOf = (rows: readonly Example[]) =>
      cachedTokenIds(rows.map((row) => textOf(row, "tfidf-logreg")));
    const tokens = tokensOf(context.train);
    context.progress({ phase: "vectorize", message: `fitting TF-IDF on ${context.train.length} rows` });
    const vectorizer = fitTfidfTokenIds(tokens, params);
    const x = stackRows(tfidfRowsOfTokenIds(vectorizer, tokens), vectorizer.vocabulary.size);
    const summary: Record<string, number | string | boolean> = {
      vocabulary_size: vectorizer.vocabulary.size,
    };
    let model: TfidfLogregModel;
    if (context.task === "classification") {
      const classOf = new Map(context.labels.map((label, k) => [label, k]));
      const y = Int32Array.from(context.train, (row) => {
        const k = row.label === undefined ? undefined : classOf.get(row.label);
        if (k === undefined)
          throw new ModelError(`training row "${row.id}" has no known label; check the dataset`);
        return k;
      });
      context.progress({ phase: "train", message: "L-BFGS logistic regression" });
      const logistic = fitLogisticRegression(x, y, context.labels.length, {
        C: params.C,
        maxIterations: params.maxIterations,
        tolerance: 1e-6,
      });
      summary.iterations = logistic.iterations;
      summary.converged = logistic.converged;
      model = { task: "classification", labels: context.labels, vectorizer, logistic };
    } else {
      const y = Float64Array.from(context.train, (row) => {
        if (row.target === undefined)
          throw new ModelError(`training row "${row.id}" has no target; check the dataset`);
        return row.target;
      });
      context.progress({ phase: "train", message: "L-BFGS ridge regression" });
      const ridge = fitRidgeRegression(x, y, {
        alpha: params.alpha,
        maxIterations: params.maxIterations,
        tolerance: 1e-8,
      });
      summary.iterations = ridge.iterations;
      model = { task: "regression", labels: context.labels, vectorizer, ridge };
    }
    // Saved so `expbook predict` and `expbook serve` answer exactly as this run's predictions did.
    saveTfidfLogregModel(context.artifactDir, model);
    // The same predictions as predictTfidfLogreg (what `expbook predict` runs), from cached tokens.
    const predict = (rows: readonly Example[]): Prediction[] => {
      const features = tfidfRowsOfTokenIds(vectorizer, tokensOf(rows));
      return rows.map((row, i) => predictTfidfLogregRow(model, row.id, features[i] as SparseRow));
    };
    return { valPredictions: predict(context.val), testPredictions: predict(context.test), summary };
  },
});

/** The definition the study runner loads (built-ins take the same path as a user's module). */
export default tfidfLogregSystem;
