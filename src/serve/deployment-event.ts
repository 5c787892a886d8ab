import { existsSync, readFileSync } from "node:fs";
import type { z } from "zod";
import { StoreError } from "../util/errors.js";
import { lazySchema } from "../util/lazy-schema.js";

/** File name of a deployment run's record: one JSON event per line, appended as they happen. */
export const deploymentRecordArtifact = "deployment.jsonl";

const inputSchema = lazySchema(({ z }) =>
  z.union([
    z.object({ text: z.string() }).strict(),
    z.object({ features: z.record(z.string(), z.number()) }).strict(),
  ]),
);

/** What a request asked: a text or a features object. */
export type ServedInput = z.infer<typeof inputSchema>;

const predictionEvent = lazySchema(({ z }) =>
  z.object({
    type: z.literal("prediction"),
    /** Milliseconds since the epoch. */
    time: z.number(),
    requestId: z.string(),
    /** Time from the request's arrival to its prediction, in milliseconds. */
    latencyMs: z.number(),
    input: inputSchema,
    label: z.string().optional(),
    scores: z.record(z.string(), z.number()).optional(),
    value: z.number().optional(),
    /** Ids of the documents a RAG prediction cited, best first. */
    citations: z.array(z.string()).optional(),
  }),
);

const feedbackEvent = lazySchema(({ z }) =>
  z.object({
    type: z.literal("feedback"),
    time: z.number(),
    requestId: z.string(),
    label: z.string().optional(),
    target: z.number().optional(),
  }),
);

const documentEvent = lazySchema(({ z }) =>
  z.object({
    type: z.literal("document"),
    time: z.number(),
    op: z.enum(["add", "update", "remove"]),
    id: z.string(),
    text: z.string().optional(),
    label: z.string().optional(),
    target: z.number().optional(),
    /** Knowledge-base size after the change. */
    size: z.number(),
  }),
);

/** One line of a deployment record. */
export const deploymentEventSchema = lazySchema(({ z }) =>
  z.discriminatedUnion("type", [predictionEvent, feedbackEvent, documentEvent]),
);

/** One event of a deployment record: a prediction served, a feedback received, a knowledge-base change. */
export type DeploymentEvent = z.infer<typeof deploymentEventSchema>;
/** A served prediction as recorded. */
export type PredictionEvent = z.infer<typeof predictionEvent>;
/** A feedback as recorded. */
export type FeedbackEvent = z.infer<typeof feedbackEvent>;
/** A knowledge-base change as recorded. */
export type DocumentEvent = z.infer<typeof documentEvent>;

/** One record line (no trailing newline). */
export function encodeDeploymentEvent(event: DeploymentEvent): string {
  return JSON.stringify(event);
}

/**
 * Reads a deployment record. A last line cut short (the server was killed mid-write) is skipped;
 * any other unreadable line is a StoreError naming it.
 */
export function readDeploymentEvents(path: string): DeploymentEvent[] {
  if (!existsSync(path)) {
    throw new StoreError(
      `no deployment record at ${path}; pick a deployment run (expbook ls --where 'kind = "deployment"')`,
    );
  }
  const lines = readFileSync(path, "utf8").split("\n");
  const events: DeploymentEvent[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const last = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (last) return;
      throw new StoreError(`${path} line ${i + 1} is not JSON; the record is damaged`);
    }
    const parsed = deploymentEventSchema.safeParse(value);
    if (!parsed.success)
      throw new StoreError(`${path} line ${i + 1} is not a deployment event; the record is damaged`);
    events.push(parsed.data);
  });
  return events;
}
