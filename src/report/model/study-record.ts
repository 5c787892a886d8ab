import { z } from "zod";
import type { SplitInfo } from "../../data/types.js";
import type { JsonValue } from "../../tracker/types.js";
import { StoreError } from "../../util/errors.js";

const json: z.ZodType<JsonValue> = z.json();

const systemSchema = z.looseObject({
  name: z.string(),
  kind: z.string(),
  params: z.record(z.string(), json).optional(),
  sweep: json.optional(),
});

const selectSchema = z.union([
  z.string(),
  z.looseObject({
    metric: z.string(),
    mode: z.string().optional(),
    goal: z.string().optional(),
    direction: z.string().optional(),
  }),
]);

const studySchema = z.looseObject({
  name: z.string(),
  question: z.string().optional(),
  dataset: json.optional(),
  split: json.optional(),
  seeds: z.array(z.number()).optional(),
  systems: z.array(systemSchema).default([]),
  select: selectSchema.optional(),
  metric: z.string().optional(),
  slices: z.array(z.string()).optional(),
  scenario: json.optional(),
});

const studyRecordSchema = z.looseObject({
  study: studySchema,
  dataset: z
    .looseObject({
      name: z.string(),
      task: z.string(),
      rows: z.number(),
      labels: z.array(z.string()).default([]),
      positiveLabel: z.string().optional(),
      fingerprint: z.string(),
      source: z.string().default(""),
    })
    .optional(),
  splits: z.array(z.looseObject({ seed: z.number(), info: z.looseObject({}) })).default([]),
  commands: z.array(z.string()).default([]),
});

/** A study's definition as recorded (the parts a report reads). */
export type StudyDefinitionRecord = z.output<typeof studySchema>;

/** The `study.json` artifact of a study run: definition, dataset, splits and the commands to rerun. */
export interface StudyRecord {
  study: StudyDefinitionRecord;
  dataset?: z.output<typeof studyRecordSchema>["dataset"];
  splits: { seed: number; info: SplitInfo }[];
  commands: string[];
}

/** Validates a `study.json` artifact; a malformed one is a StoreError naming the run. */
export function parseStudyRecord(text: string, runId: string): StudyRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoreError(`study run ${runId}: study.json is not valid JSON; rerun the study`);
  }
  const parsed = studyRecordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError(
      `study run ${runId}: study.json is malformed at ${issue?.path.join(".") || "top level"} (${issue?.message}); rerun the study`,
    );
  }
  const record = parsed.data;
  return {
    study: record.study,
    dataset: record.dataset,
    splits: record.splits.map((split) => ({ seed: split.seed, info: split.info as unknown as SplitInfo })),
    commands: record.commands,
  };
}

/** The selection metric's base name ("f1", "mae") and whether higher is better. */
export function selectionMetric(
  study: StudyDefinitionRecord,
  task: string,
): { base: string; higherIsBetter: boolean } {
  const select = study.select;
  // The reported test metric wins; else the metric hyperparameters were selected on.
  const raw = study.metric ?? (typeof select === "string" ? select : select?.metric);
  const base = (raw ?? (task === "regression" ? "mae" : "f1")).replace(/^(val|test)_/, "");
  const mode = typeof select === "object" ? (select.mode ?? select.goal ?? select.direction) : undefined;
  const lowerNames = ["mae", "rmse", "mse", "loss"];
  const higherIsBetter =
    mode !== undefined
      ? !/^(min|lower|minimi[sz]e)/i.test(mode)
      : !lowerNames.some((name) => base.startsWith(name));
  return { base, higherIsBetter };
}
