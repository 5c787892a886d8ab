import type { z } from "zod";
import { kbStateSchema } from "../tracker/records/run-tags.js";
import { lazySchema } from "../util/lazy-schema.js";

const name = lazySchema(({ z }) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "use letters, digits, '-', '_' and '.' (no spaces or slashes)"),
);
const scalar = lazySchema(({ z }) => z.union([z.number(), z.string(), z.boolean()]));
// Seeds are 32-bit unsigned integers; larger ones would be reduced modulo 2³² into another seed.
const seedRange = "a seed is a whole number from 0 to 4294967295 (2³²−1)";
const seed = lazySchema(({ z }) =>
  z
    .number()
    .int(seedRange)
    .min(0, seedRange)
    .max(2 ** 32 - 1, seedRange),
);

const gridSweep = lazySchema(({ z }) =>
  z
    .object({
      grid: z.record(z.string(), z.array(scalar).min(1, "a sweep needs at least one value")),
    })
    .strict(),
);

const range = lazySchema(({ z }) =>
  z
    .object({
      min: z.number(),
      max: z.number(),
      log: z.boolean().default(false),
      integer: z.boolean().default(false),
    })
    .strict()
    .refine((r) => r.max >= r.min, "max must be at least min")
    .refine((r) => !r.log || r.min > 0, "a log range needs min > 0"),
);

const randomSweep = lazySchema(({ z }) =>
  z
    .object({
      random: z.record(
        z.string(),
        z.union([z.array(scalar).min(1, "a sweep needs at least one value"), range]),
      ),
      budget: z.number().int().min(1, "budget must be at least 1 trial"),
    })
    .strict(),
);

/**
 * One system of a study: a built-in kind or a module (a JavaScript file, relative to the study file,
 * whose default export is a `defineSystem` definition), its params, and optionally a sweep over some.
 */
export const studySystemSchema = lazySchema(({ z }) =>
  z
    .object({
      name,
      kind: z.string().optional(),
      module: z.string().min(1).optional(),
      description: z.string().optional(),
      params: z.record(z.string(), z.unknown()).default({}),
      sweep: z.union([gridSweep, randomSweep]).optional(),
      /** Groups variants of one system in figures (e.g. RAG before and after a knowledge-base update). */
      family: z.string().optional(),
      /** Freshness studies: the knowledge-base state this variant represents. */
      kbState: kbStateSchema.optional(),
    })
    .strict()
    .refine((system) => (system.kind === undefined) !== (system.module === undefined), {
      message: 'give either "kind" (a built-in system) or "module" (your own), not both or neither',
      path: ["kind"],
    }),
);

const fractions = lazySchema(({ z }) =>
  z
    .object({
      train: z.number().min(0).max(1),
      val: z.number().min(0).max(1),
      test: z.number().min(0).max(1),
    })
    .strict()
    .refine((f) => Math.abs(f.train + f.val + f.test - 1) <= 1e-6, "fractions must sum to 1"),
);

/** A study file (`experiments/*.json`): the question, the data, the systems, and how to compare them. */
export const studySchema = lazySchema(({ z }) =>
  z
    .object({
      $schema: z.string().optional(),
      name,
      question: z.string().min(1, "say what the study asks"),
      description: z.string().optional(),
      dataset: z
        .object({
          name: z.string().min(1),
          task: z.enum(["classification", "regression"]).optional(),
          keepHeaders: z.boolean().optional(),
          text: z.string().optional(),
          label: z.string().optional(),
          target: z.string().optional(),
          features: z.array(z.string()).optional(),
          id: z.string().optional(),
          positiveLabel: z.string().optional(),
          strict: z.boolean().optional(),
        })
        .strict(),
      split: z
        .object({
          strategy: z.enum(["random", "stratified", "temporal", "group"]),
          by: z.string().optional(),
          fractions: fractions.optional(),
          update: z.number().min(0).lt(1).optional(),
          /** "per-seed": each seed gets its own split (default); a number: one split for every seed. */
          seed: z.union([z.literal("per-seed"), seed]).default("per-seed"),
        })
        .strict(),
      seeds: z
        .array(seed)
        .min(1, "list at least one seed")
        .refine(
          (seeds) => new Set(seeds).size === seeds.length,
          "list each seed once (duplicates would run twice)",
        ),
      /** Validation metric hyperparameters are selected on (default val_f1 or val_mae). */
      select: z
        .string()
        .regex(/^val_[a-z0-9_]+$/, "select on a validation metric (val_...)")
        .optional(),
      /** Test metric the summary reports (default test_f1 or test_mae). */
      metric: z
        .string()
        .regex(/^test_[a-z0-9_]+$/, "report a test metric (test_...)")
        .optional(),
      systems: z.array(studySystemSchema).min(1, "list at least one system"),
      learningCurve: z
        .object({
          sizes: z
            .array(z.union([z.number().int().min(1), z.literal("all")]))
            .min(1, "list at least one size"),
        })
        .strict()
        .optional(),
      slices: z.array(z.string()).default([]),
      /** What `--quick` changes: fewer seeds, smaller params per kind, fewer trials and sizes. */
      quick: z
        .object({
          seeds: z.number().int().min(1).default(1),
          params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
          maxTrials: z.number().int().min(1).optional(),
          sizes: z.array(z.union([z.number().int().min(1), z.literal("all")])).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
);

/**
 * One validated system entry of a study. `validateStudy` fills `kind` (a module's from its definition),
 * makes `module` absolute, and sets `moduleHash`, the hash of the module's source.
 */
export type StudySystem = z.output<typeof studySystemSchema> & { kind: string; moduleHash?: string };
/** A validated study (defaults filled, every system's kind known). */
export type Study = Omit<z.output<typeof studySchema>, "systems"> & { systems: StudySystem[] };
