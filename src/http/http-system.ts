import type { Example } from "../data/types.js";
import { defineSystem } from "../systems/define-system.js";
import type { Prediction, SystemContext } from "../systems/system.js";
import { ModelError } from "../util/errors.js";
import { cachedPost, refreshEnv } from "./cached-post.js";
import { type HttpParams, httpParams } from "./http-params.js";
import { atPointer, fillTemplate, type Json } from "./json-template.js";

function itemOf(row: Example, params: HttpParams): Json {
  return fillTemplate(params.item as Json, {
    id: row.id,
    text: row.text ?? "",
    features: (row.features ?? {}) as Json,
  });
}

function readResult(
  result: unknown,
  row: Example,
  params: HttpParams,
  context: SystemContext<HttpParams>,
): Prediction {
  const where = `the answer for row ${row.id}`;
  if (context.task === "regression") {
    const value = atPointer(result, params.value);
    if (typeof value !== "number" || !Number.isFinite(value))
      throw new ModelError(`${where} has no number at ${params.value || '""'}; set the "value" pointer`);
    return { id: row.id, value };
  }
  const label = atPointer(result, params.label);
  if (typeof label !== "string" || !context.labels.includes(label))
    throw new ModelError(
      `${where} has ${JSON.stringify(label)} at ${params.label || '""'}, not one of the labels ${context.labels.join(", ")}; set the "label" pointer`,
    );
  const scores = atPointer(result, params.scores);
  const valid =
    scores !== null &&
    typeof scores === "object" &&
    !Array.isArray(scores) &&
    Object.values(scores).every((score) => typeof score === "number");
  return { id: row.id, label, ...(valid ? { scores: scores as Record<string, number> } : {}) };
}

/** Sends rows in batches (at most `concurrency` in flight) and reads one prediction per row, in order. */
async function predictRows(
  rows: readonly Example[],
  context: SystemContext<HttpParams>,
): Promise<Prediction[]> {
  const { params } = context;
  const batches: Example[][] = [];
  for (let start = 0; start < rows.length; start += params.batchSize)
    batches.push(rows.slice(start, start + params.batchSize));
  const answers: Prediction[][] = new Array(batches.length);
  const refresh = process.env[refreshEnv] === "1";
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < batches.length) {
      const index = next++;
      const batch = batches[index] as Example[];
      const body = fillTemplate(params.body as Json, { items: batch.map((row) => itemOf(row, params)) });
      const answer = await cachedPost(params.url, body, {
        headers: params.headers,
        timeoutMs: params.timeoutMs,
        retries: params.retries,
        backoffMs: params.backoffMs,
        refresh,
        ...(context.signal ? { signal: context.signal } : {}),
      });
      const results = atPointer(answer, params.results);
      if (!Array.isArray(results) || results.length !== batch.length)
        throw new ModelError(
          `POST ${params.url} answered without ${batch.length} results at ${params.results || '""'}; set the "results" pointer`,
        );
      answers[index] = batch.map((row, i) => readResult(results[i], row, params, context));
      done += batch.length;
      context.progress({ phase: "predict", step: done, steps: rows.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(params.concurrency, batches.length) }, lane));
  return answers.flat();
}

/**
 * A model served anywhere over HTTP: validation and test rows are POSTed in batches to `url` and the
 * predictions read from the answers by JSON pointers. Answers are cached by a hash of the request,
 * so a rerun or a resumed study scores the same answers without calling the endpoint again
 * (`--refresh` asks again). Nothing is trained; any failure fails the whole run.
 */
export const httpSystem = defineSystem({
  kind: "http",
  description: "a model behind an HTTP endpoint, asked in cached batches (nothing is trained)",
  params: httpParams,
  run: async (context) => {
    const valPredictions = await predictRows(context.val, context);
    const testPredictions = await predictRows(context.test, context);
    return { valPredictions, testPredictions };
  },
});

/** The definition the study runner loads (built-ins take the same path as a user's module). */
export default httpSystem;
