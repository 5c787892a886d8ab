import { majorityLabel, meanTarget } from "../priors/training-prior.js";
import type { Prediction, SystemDefinition } from "../systems/system.js";
import { defineSystem } from "../systems/define-system.js";
import { lazySchema } from "../util/lazy-schema.js";

/** The "majority" system takes no params. */
export const majorityParams = lazySchema(({ z }) => z.object({}).strict());

/** Predicts the most frequent training class (with the training class shares as scores), or the training mean. */
export const majoritySystem: SystemDefinition<typeof majorityParams> = defineSystem({
  kind: "majority",
  description: "the most frequent training class (classification) or the training mean (regression)",
  params: majorityParams,
  run: async (context) => {
    let predict: (id: string) => Prediction;
    if (context.task === "classification") {
      const label = majorityLabel(context.train, context.labels);
      const counts = Object.fromEntries(context.labels.map((l) => [l, 0])) as Record<string, number>;
      for (const row of context.train)
        if (row.label !== undefined) counts[row.label] = (counts[row.label] ?? 0) + 1;
      const total = Math.max(1, context.train.length);
      const scores = Object.fromEntries(Object.entries(counts).map(([l, n]) => [l, n / total]));
      predict = (id) => ({ id, label, scores: { ...scores } });
    } else {
      const value = meanTarget(context.train);
      predict = (id) => ({ id, value });
    }
    return {
      valPredictions: context.val.map((row) => predict(row.id)),
      testPredictions: context.test.map((row) => predict(row.id)),
    };
  },
});

/** The definition the study runner loads (built-ins take the same path as a user's module). */
export default majoritySystem;
