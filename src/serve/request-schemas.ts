/**
 * JSON schemas of the bodies the server accepts, checked by Fastify (Ajv) before any handler runs.
 * Strings and maps are bounded so that no body, however shaped, costs more than its size.
 */

/** Longest text a request may carry (characters); the body limit applies too. */
export const maxTextLength = 100_000;
/** Most features one input may carry. */
export const maxFeatures = 1_000;

const text = { type: "string", maxLength: maxTextLength } as const;
const features = {
  type: "object",
  maxProperties: maxFeatures,
  additionalProperties: { type: "number" },
} as const;
const label = { type: "string", minLength: 1, maxLength: 200 } as const;
const target = { type: "number" } as const;
const requestId = { type: "string", minLength: 1, maxLength: 100 } as const;
const documentId = { type: "string", minLength: 1, maxLength: 200 } as const;

const oneInput = {
  type: "object",
  properties: { text, features },
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
} as const;

/** `POST /predict`: `{ text }`, `{ features }`, or `{ inputs: [ {text} | {features}, ... ] }` (up to `maxBatch`). */
export function predictBodySchema(maxBatch: number) {
  return {
    type: "object",
    properties: {
      text,
      features,
      inputs: { type: "array", minItems: 1, maxItems: maxBatch, items: oneInput },
    },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  } as const;
}

/** `POST /feedback`: `{ requestId, label }` (classification) or `{ requestId, target }` (regression). */
export const feedbackBodySchema = {
  type: "object",
  required: ["requestId"],
  properties: { requestId, label, target },
  additionalProperties: false,
  minProperties: 2,
  maxProperties: 2,
} as const;

const oneDocument = {
  type: "object",
  required: ["id", "text"],
  properties: { id: documentId, text, label, target },
  additionalProperties: false,
  maxProperties: 3,
} as const;

/** `POST /documents`: one `{ id, text, label | target }` or `{ documents: [...] }` (up to `maxBatch`). */
export function documentsBodySchema(maxBatch: number) {
  return {
    type: "object",
    properties: {
      ...oneDocument.properties,
      documents: { type: "array", minItems: 1, maxItems: maxBatch, items: oneDocument },
    },
    additionalProperties: false,
    anyOf: [{ required: ["id", "text"] }, { required: ["documents"] }],
    maxProperties: 3,
  } as const;
}

/** `DELETE /documents/:id`. */
export const documentParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: documentId },
} as const;

/** The body types the schemas admit. */
export interface PredictBody {
  text?: string;
  features?: Record<string, number>;
  inputs?: { text?: string; features?: Record<string, number> }[];
}

/** A feedback body. */
export interface FeedbackBody {
  requestId: string;
  label?: string;
  target?: number;
}

/** A document to add to (or replace in) the knowledge base. */
export interface DocumentBody {
  id: string;
  text: string;
  label?: string;
  target?: number;
}

/** A documents body. */
export interface DocumentsBody extends Partial<DocumentBody> {
  documents?: DocumentBody[];
}
