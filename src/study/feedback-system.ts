import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { z } from "zod";
import type { Example } from "../data/types.js";
import { readFeedbackExamples } from "../serve/feedback-rows.js";
import { defineSystem } from "../systems/define-system.js";
import type { SystemContext, SystemDefinition } from "../systems/system.js";
import { validateSystemParams } from "../systems/validate-params.js";
import { InputError } from "../util/errors.js";
import { loadSystem } from "./builtin-systems.js";
import { lazySchema } from "../util/lazy-schema.js";

/** Params of the "feedback" system; every field but `base` has a default and unknown keys are rejected. */
export const feedbackParams = lazySchema(({ z }) =>
  z
    .object({
      /** The built-in system kind that is served and learns from the feedback (finetune, rag, tfidf-logreg). */
      base: z.string().min(1),
      /**
       * What the feedback is used for: nothing (the served model unchanged), extra training rows (the base
       * system is fitted again on train plus feedback) or knowledge-base documents (rag only, no retraining).
       */
      use: z.enum(["none", "retrain", "kb"]),
      /** Share of the traffic that received feedback, from its start: 0.25 uses the first quarter. */
      share: z.number().min(0).max(1).default(1),
      /**
       * Feedback collected by a deployment (the `feedback.jsonl` that `expbook feedback --out` wrote; absolute
       * or relative to the working directory). Without it, the split's update rows (the newer traffic) stand
       * in for the feedback, with their true labels.
       */
      file: z.string().min(1).optional(),
      /** The base system's own params. */
      params: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
);

/** Validated params of the "feedback" system. */
export type FeedbackParams = z.output<typeof feedbackParams>;

/** The traffic that got feedback: the first `share` of it, minus rows whose text is scored (val, test). */
function feedbackRows(context: SystemContext<FeedbackParams>): { rows: Example[]; dropped: number } {
  const { params } = context;
  const traffic = params.file === undefined ? context.update : readFeedbackExamples(params.file);
  const taken = traffic.slice(0, Math.round(params.share * traffic.length));
  // Feedback on a text that is also a validation or test row would leak the answer into training.
  const scored = new Set(
    [...context.val, ...context.test].flatMap((row) => (row.text === undefined ? [] : [row.text])),
  );
  const rows = taken.filter((row) => row.text === undefined || !scored.has(row.text));
  for (const row of rows) {
    if (
      context.task === "classification" ? !context.labels.includes(row.label ?? "") : row.target === undefined
    ) {
      throw new InputError(
        `feedback row "${row.id}" has ${context.task === "classification" ? `label "${row.label ?? ""}", not one of ${context.labels.join(", ")}` : "no target"}; give feedback for this dataset`,
      );
    }
  }
  return { rows, dropped: taken.length - rows.length };
}

/**
 * A served system learning from user feedback: the base system fitted as served (`use: "none"`), fitted
 * again on train plus the feedback (`"retrain"`), or with the feedback added to its knowledge base without
 * retraining (`"kb"`, rag). The feedback study (`experiments/spam-feedback.json`) compares the three as
 * the share of traffic with feedback grows.
 */
export const feedbackSystem: SystemDefinition<typeof feedbackParams> = defineSystem({
  kind: "feedback",
  description:
    "a base system (finetune, rag, tfidf-logreg) as served, retrained on train plus user feedback, or with the feedback in its knowledge base",
  params: feedbackParams,
  run: async (context: SystemContext<FeedbackParams>) => {
    const { params } = context;
    if (params.base === "feedback")
      throw new InputError('params.base: "feedback" cannot wrap itself; give a base system kind');
    const base = await loadSystem(params.base);
    if (params.use === "kb" && base.kind !== "rag") {
      throw new InputError(
        `params.use: "kb" adds feedback to a knowledge base, which ${base.kind} has none of; use "retrain" or base "rag"`,
      );
    }
    const baseParams = validateSystemParams(
      base,
      params.use === "kb" ? { ...params.params, useUpdate: true } : params.params,
      "params.params",
    );
    const { rows, dropped } = params.use === "none" ? { rows: [], dropped: 0 } : feedbackRows(context);
    context.progress({ phase: "feedback", message: `${rows.length} feedback rows (${params.use})` });
    const output = await base.run({
      ...context,
      params: baseParams,
      train: params.use === "retrain" ? [...context.train, ...rows] : context.train,
      update: params.use === "kb" ? rows : [],
    });
    return {
      ...output,
      summary: {
        ...(output.summary ?? {}),
        feedback_rows: rows.length,
        feedback_dropped: dropped,
        feedback_share: params.share,
        feedback_use: params.use,
        ...(params.file !== undefined
          ? { feedback_file_sha256: createHash("sha256").update(readFileSync(params.file)).digest("hex") }
          : {}),
      },
    };
  },
});

/** The definition the study runner loads (built-ins take the same path as a user's module). */
export default feedbackSystem;
