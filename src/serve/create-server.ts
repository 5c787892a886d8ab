import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { Example } from "../data/types.js";
import type { Citation, Prediction } from "../systems/system.js";
import { isUserError } from "../util/errors.js";
import type { DocumentEvent, PredictionEvent, ServedInput } from "./deployment-event.js";
import type { Deployment } from "./deployment.js";
import { applyDocumentEvent } from "./knowledge-base-replay.js";
import { PredictionBatcher } from "./prediction-batcher.js";
import {
  type DocumentBody,
  type DocumentsBody,
  documentParamsSchema,
  documentsBodySchema,
  type FeedbackBody,
  feedbackBodySchema,
  type PredictBody,
  predictBodySchema,
} from "./request-schemas.js";
import type { RunPredictor } from "./run-predictor.js";
import { createServeMetrics } from "./serve-metrics.js";

/** What `createServer` needs. */
export interface ServerOptions {
  predictor: RunPredictor;
  deployment: Deployment;
  /** Bearer token every route but `/healthz` requires; none on loopback-only servers. */
  token?: string;
  /** Largest request body in bytes (larger: 413). */
  bodyLimit: number;
  /** Most inputs or documents per request. */
  maxBatch: number;
}

/** A failed request: its status and one-line message. */
class HttpError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Messages for what Fastify's body parsing rejects, saying what to send instead. */
const parserMessages: Record<string, (contentType: string | undefined, bodyLimit: number) => string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (type) =>
    `content type ${type === undefined ? "(none)" : JSON.stringify(oneLine(type).slice(0, 80))} is not accepted; send JSON with content-type: application/json`,
  FST_ERR_CTP_BODY_TOO_LARGE: (_type, limit) =>
    `request body is over the ${limit}-byte limit; send fewer or shorter inputs`,
  FST_ERR_CTP_INVALID_JSON_BODY: () => "request body is not valid JSON; send one JSON object",
  FST_ERR_CTP_EMPTY_JSON_BODY: () => "request body is empty; send one JSON object",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    "content-length does not match the body; send the body as declared",
};

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** The reply to a served input: request id, label and scores or value, and citations for RAG runs. */
function replyOf(requestId: string, prediction: Prediction): Record<string, unknown> {
  const reply: Record<string, unknown> = { requestId };
  if (prediction.label !== undefined) reply.label = prediction.label;
  if (prediction.scores !== undefined) reply.scores = prediction.scores;
  if (prediction.value !== undefined) reply.value = prediction.value;
  if (prediction.citations !== undefined) reply.citations = prediction.citations;
  return reply;
}

function citedIds(citations: readonly Citation[] | undefined): string[] | undefined {
  return citations?.map((citation) => citation.id);
}

/**
 * Builds the HTTP server of a deployment (Fastify): `POST /predict`, `POST /feedback`,
 * `POST /documents`, `DELETE /documents/:id`, `GET /healthz` and `GET /metrics`. Every body is
 * checked against a JSON schema; bad JSON or shape → 400, too large → 413, not JSON → 415, a
 * missing or wrong bearer token → 401, each with a one-line `{ error }`.
 */
export function createServer(options: ServerOptions): FastifyInstance {
  const { predictor, deployment, maxBatch } = options;
  const metrics = createServeMetrics();
  const kb = predictor.knowledgeBase;
  metrics.knowledgeBaseSize.set(kb?.size ?? 0);
  const batcher = new PredictionBatcher((examples) => predictor.predict(examples));
  const labels = new Set(predictor.labels);
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    logger: false,
    // Strict schemas: no type coercion, no silently dropped keys.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
  });
  // Only JSON bodies: text/plain (Fastify's other default) gets 415 like every other type.
  app.removeContentTypeParser("text/plain");

  const expected = options.token === undefined ? undefined : digest(`Bearer ${options.token}`);
  app.addHook("onRequest", async (request) => {
    if (expected === undefined || request.url === "/healthz") return;
    const given = request.headers.authorization;
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new HttpError(401, "missing or wrong bearer token; send Authorization: Bearer <token>");
    }
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? (isUserError(error) ? 400 : 500);
    if (status === 401) void reply.header("www-authenticate", "Bearer");
    const message =
      status >= 500 && !(error instanceof HttpError)
        ? "internal error while handling the request (a bug; see the server log)"
        : error.validation
          ? `invalid ${error.validationContext ?? "body"}: ${error.message}`
          : (parserMessages[error.code]?.(request.headers["content-type"], options.bodyLimit) ??
            error.message);
    if (status >= 500) process.stderr.write(`expbook serve: ${error.stack ?? error.message}\n`);
    return reply.code(status).send({ error: oneLine(message) });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${oneLine(request.url).slice(0, 100)}` }),
  );

  app.get("/healthz", async () => ({
    status: "ok",
    run: predictor.runId,
    kind: predictor.kind,
    deployment: deployment.run.id,
  }));

  app.get("/metrics", async (_request, reply) => {
    void reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.post<{ Body: PredictBody }>(
    "/predict",
    { schema: { body: predictBodySchema(maxBatch) } },
    async (request, reply) => {
      const body = request.body;
      const inputs: ServedInput[] = (body.inputs ?? [body]).map((input) =>
        input.text !== undefined ? { text: input.text } : { features: input.features ?? {} },
      );
      for (const input of inputs) {
        if (predictor.input === "text" && !("text" in input)) {
          throw new HttpError(400, `run ${predictor.runId} predicts from text; send {"text": "..."}`);
        }
        if (predictor.input === "features" && !("features" in input)) {
          throw new HttpError(400, `run ${predictor.runId} predicts from features; send {"features": {...}}`);
        }
      }
      const ids = inputs.map(() => randomUUID());
      const examples: Example[] = inputs.map((input, i) => ({
        id: ids[i] as string,
        ...input,
        meta: {},
      }));
      const predictions = await batcher.predict(examples);
      const time = Date.now();
      const latencyMs = reply.elapsedTime;
      const replies = predictions.map((prediction, i) => {
        const requestId = ids[i] as string;
        const event: PredictionEvent = {
          type: "prediction",
          time,
          requestId,
          latencyMs,
          input: inputs[i] as ServedInput,
          ...(prediction.label !== undefined ? { label: prediction.label } : {}),
          ...(prediction.scores !== undefined ? { scores: prediction.scores } : {}),
          ...(prediction.value !== undefined ? { value: prediction.value } : {}),
          ...(prediction.citations !== undefined ? { citations: citedIds(prediction.citations) } : {}),
        };
        deployment.recordPrediction(event);
        return replyOf(requestId, prediction);
      });
      metrics.predictions.inc(replies.length);
      return body.inputs ? { predictions: replies } : replies[0];
    },
  );

  app.post<{ Body: FeedbackBody }>("/feedback", { schema: { body: feedbackBodySchema } }, async (request) => {
    const { requestId, label, target } = request.body;
    const served = deployment.prediction(requestId);
    if (!served) {
      throw new HttpError(
        404,
        `unknown requestId "${oneLine(requestId).slice(0, 100)}"; give a requestId that /predict returned on this server`,
      );
    }
    if (predictor.task === "classification") {
      if (label === undefined) throw new HttpError(400, `this run classifies; send {"requestId", "label"}`);
      if (!labels.has(label)) {
        throw new HttpError(
          400,
          `label "${oneLine(label).slice(0, 60)}" is not one of ${[...labels].join(", ")}; send a known label`,
        );
      }
    } else if (target === undefined || !Number.isFinite(target)) {
      throw new HttpError(400, `this run predicts a number; send {"requestId", "target"}`);
    }
    const agrees = label !== undefined ? served.label === label : undefined;
    await deployment.recordFeedback(
      {
        type: "feedback",
        time: Date.now(),
        requestId,
        ...(label !== undefined ? { label } : { target: target as number }),
      },
      agrees,
    );
    metrics.feedback.inc({ agrees: agrees === undefined ? "n/a" : agrees ? "yes" : "no" });
    return { requestId, recorded: true, ...(agrees !== undefined ? { agrees } : {}) };
  });

  const needKnowledgeBase = () => {
    if (!kb) {
      throw new HttpError(
        404,
        `run ${predictor.runId} is a ${predictor.kind} run with no knowledge base; /documents needs a rag run`,
      );
    }
    return kb;
  };

  app.post<{ Body: DocumentsBody }>(
    "/documents",
    { schema: { body: documentsBodySchema(maxBatch) } },
    async (request) => {
      const base = needKnowledgeBase();
      const body = request.body;
      const documents: DocumentBody[] = body.documents ?? [body as DocumentBody];
      const seen = new Set<string>();
      for (const doc of documents) {
        if (seen.has(doc.id))
          throw new HttpError(400, `document id "${doc.id}" appears twice; send each id once`);
        seen.add(doc.id);
        if (predictor.task === "classification") {
          if (doc.label === undefined || !labels.has(doc.label)) {
            throw new HttpError(400, `document "${doc.id}" needs a label, one of ${[...labels].join(", ")}`);
          }
        } else if (doc.target === undefined) {
          throw new HttpError(400, `document "${doc.id}" needs a numeric target`);
        }
      }
      const time = Date.now();
      const events: DocumentEvent[] = [];
      let added = 0;
      let updated = 0;
      for (const doc of documents) {
        const event: DocumentEvent = {
          type: "document",
          time,
          op: base.has(doc.id) ? "update" : "add",
          id: doc.id,
          text: doc.text,
          ...(doc.label !== undefined ? { label: doc.label } : {}),
          ...(doc.target !== undefined ? { target: doc.target } : {}),
          size: 0,
        };
        // The same step a restarted deployment replays from the record.
        applyDocumentEvent(base, event);
        event.size = base.size;
        if (event.op === "update") updated++;
        else added++;
        events.push(event);
      }
      metrics.knowledgeBaseSize.set(base.size);
      await deployment.recordDocuments(events);
      return { added, updated, size: base.size };
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/documents/:id",
    { schema: { params: documentParamsSchema } },
    async (request) => {
      const base = needKnowledgeBase();
      const { id } = request.params;
      if (!base.has(id)) {
        throw new HttpError(404, `no document "${oneLine(id).slice(0, 100)}" in the knowledge base`);
      }
      const event: DocumentEvent = { type: "document", time: Date.now(), op: "remove", id, size: 0 };
      applyDocumentEvent(base, event);
      event.size = base.size;
      metrics.knowledgeBaseSize.set(base.size);
      await deployment.recordDocuments([event]);
      return { removed: id, size: base.size };
    },
  );

  return app;
}
