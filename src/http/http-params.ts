import type { z } from "zod";
import { lazySchema } from "../util/lazy-schema.js";

const pointer = lazySchema(({ z }) => z.string().regex(/^(\/.*)?$/, 'a JSON pointer: "" or "/field/0/..."'));
const json: z.ZodType<unknown> = lazySchema(({ z }) => z.json());

/** Params of the `http` system: where the model is, how to ask it, how to read its answer, how hard to try. */
export const httpParams = lazySchema(({ z }) =>
  z
    .object({
      /** The endpoint every batch is POSTed to. */
      url: z.url({ protocol: /^https?$/, error: "give an http:// or https:// URL" }),
      /** Extra request headers (e.g. authorization). */
      headers: z.record(z.string(), z.string()).default({}),
      /** What each row sends: its text or its numeric features. */
      input: z.enum(["text", "features"]).default("text"),
      /** One row of a request: `{{text}}`, `{{features}}` and `{{id}}` are replaced by the row's. */
      item: json.default({ text: "{{text}}" }),
      /** The request body: `{{items}}` is replaced by the array of filled items. */
      body: json.default({ inputs: "{{items}}" }),
      /** Where the answer's per-row results are (one per item, in order). */
      results: pointer.default("/predictions"),
      /** Within one result: the predicted class, the class scores (optional), the predicted value. */
      label: pointer.default("/label"),
      scores: pointer.default("/scores"),
      value: pointer.default("/value"),
      /** Rows per request. */
      batchSize: z.number().int().min(1).max(10_000).default(32),
      /** Requests in flight at once. */
      concurrency: z.number().int().min(1).max(256).default(4),
      /** Milliseconds before one attempt is abandoned. */
      timeoutMs: z.number().int().min(1).default(30_000),
      /** Attempts after the first one, for network errors, timeouts, 429 and 5xx answers. */
      retries: z.number().int().min(0).max(20).default(3),
      /** Wait before the first retry (doubled for each next one). */
      backoffMs: z.number().int().min(0).default(250),
    })
    .strict(),
);

/** Validated `http` params. */
export type HttpParams = z.output<typeof httpParams>;
