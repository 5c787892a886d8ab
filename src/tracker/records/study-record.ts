import type { z } from "zod";
import type { SplitInfo } from "../../data/types.js";
import { RecordError } from "../../util/errors.js";
import type { JsonValue, Run } from "../types.js";
import { lazySchema } from "../../util/lazy-schema.js";

/** Artifact of a study's own run (tag `stage: "study"`): the definition, the data and splits, and the commands to rerun. */
export const studyRecordArtifact = "study.json";

/**
 * The `study.json` record. The report reads the study's question, systems, seeds, selection and test
 * metric, the dataset's name, task, labels and fingerprint, each split's sizes and fingerprints, and the
 * commands that rerun it. Keys it does not know are kept.
 */
export const studyRecordSchema = lazySchema(({ z }) => {
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
  return z.looseObject({
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
});

/** A study's definition as recorded (the parts a report reads). */
export type StudyDefinitionRecord = z.output<typeof studyRecordSchema>["study"];

/** The `study.json` artifact of a study run: definition, dataset, splits and the commands to rerun. */
export interface StudyRecord {
  study: StudyDefinitionRecord;
  dataset?: z.output<typeof studyRecordSchema>["dataset"];
  splits: { seed: number; info: SplitInfo }[];
  commands: string[];
}

/** A study record as written (the study runner passes its validated study; defaults are filled on reading). */
export type StudyRecordInput = z.input<typeof studyRecordSchema>;

function recordIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `field "${issue?.path.join(".") || "(top level)"}" ${issue?.message ?? "is invalid"}`;
}

/** Reads a `study.json` artifact; a malformed one is a RecordError naming the run and the field. */
export function readStudyRecord(text: string, runId: string): StudyRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RecordError(`study run ${runId}: study.json is not valid JSON; rerun the study`);
  }
  const parsed = studyRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new RecordError(`study run ${runId}: study.json ${recordIssue(parsed.error)}; rerun the study`);
  }
  const record = parsed.data;
  return {
    study: record.study,
    dataset: record.dataset,
    splits: record.splits.map((split) => ({ seed: split.seed, info: split.info as unknown as SplitInfo })),
    commands: record.commands,
  };
}

/** Writes the study record as the run's `study.json` artifact, validated first. */
export async function writeStudyRecord(
  run: Pick<Run, "id" | "artifact">,
  record: StudyRecordInput,
): Promise<void> {
  const value = JSON.parse(JSON.stringify(record)) as JsonValue;
  const parsed = studyRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new RecordError(
      `study run ${run.id}: study.json ${recordIssue(parsed.error)}; this is a bug in the writer`,
    );
  }
  await run.artifact(studyRecordArtifact, value);
}
