import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cacheDirectory, writeFileAtomically } from "../util/cache-dir.js";
import { ModelError } from "../util/errors.js";
import { canonicalJson, sha256 } from "../util/hash.js";

/** Env variable that makes every `http` system skip its response cache (set by `--refresh`). */
export const refreshEnv = "EXPBOOK_HTTP_REFRESH";

/** How one POST is made. */
export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** Ask the endpoint even when the answer is cached (and cache the new one). */
  refresh: boolean;
  signal?: AbortSignal;
}

/** Where the answer to a request is cached: a hash of the URL, the headers and the body. */
export function responseCachePath(url: string, headers: Record<string, string>, body: unknown): string {
  const key = sha256(canonicalJson({ url, headers, body }));
  return join(cacheDirectory(), "http", key.slice(0, 2), `${key}.json`);
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * POSTs a JSON body and returns the parsed JSON answer, from the project cache when the same request
 * was answered before. Network errors, timeouts, 429 and 5xx are retried with exponential backoff; a
 * failure after the retries (or any other status) is a ModelError with the status and the first bytes
 * of the answer.
 */
export async function cachedPost(url: string, body: unknown, options: PostOptions): Promise<unknown> {
  const cachePath = responseCachePath(url, options.headers, body);
  if (!options.refresh && existsSync(cachePath)) return JSON.parse(readFileSync(cachePath, "utf8"));
  const attempts = options.retries + 1;
  let last = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1)
      await sleep(options.backoffMs * 2 ** (attempt - 2), undefined, { signal: options.signal });
    let response: Response;
    try {
      const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...options.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const { cause } = error as { cause?: { code?: string; message?: string } };
      last =
        error instanceof Error && error.name === "TimeoutError"
          ? `no answer within ${options.timeoutMs} ms`
          : `cannot connect (${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))})`;
      continue;
    }
    const text = await response.text();
    if (response.ok) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ModelError(
          `POST ${url} answered ${response.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`,
        );
      }
      writeFileAtomically(cachePath, text);
      return parsed;
    }
    last = `answered ${response.status}: ${JSON.stringify(text.slice(0, 200))}`;
    if (!retryable(response.status)) break;
  }
  throw new ModelError(
    `POST ${url} ${last} (after ${attempts} attempt${attempts === 1 ? "" : "s"}); check the endpoint and its params`,
  );
}
