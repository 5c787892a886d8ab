import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";

const bin = new URL("../../bin/expbook.js", import.meta.url).pathname;

/** A running `expbook serve` child process. */
export interface ServerProcess {
  url: string;
  deployment: string;
  run: string;
  child: ChildProcess;
  stderr(): string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process (if still running) and waits for it. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the real `expbook serve RUN --port 0 --json ...` and waits until it listens. */
export function startServer(runId: string, store: string, extra: string[] = []): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [bin, "serve", runId, "--port", "0", "--json", "--store", store, ...extra],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const stop = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`expbook serve did not start in 120 s; stderr: ${stderr}`));
    }, 120_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`expbook serve exited (${code ?? signal}) before listening; stderr: ${stderr}`));
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      const info = JSON.parse(stdout.slice(0, newline)) as { url: string; deployment: string; run: string };
      resolve({ ...info, child, stderr: () => stderr, exited, stop });
    });
  });
}

/** POSTs JSON (or raw text with a content type) and returns the status and parsed reply. */
export async function post(
  url: string,
  body: unknown,
  options: { raw?: string; contentType?: string; token?: string; method?: string } = {},
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const headers: Record<string, string> = {};
  if (options.contentType !== "") headers["content-type"] = options.contentType ?? "application/json";
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, {
    method: options.method ?? "POST",
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the test looks at text
  }
  return { status: response.status, json, text };
}

/** Fits a run with the real CLI and returns its id. */
export async function fitRun(store: string, args: string[]): Promise<string> {
  const fit = await runCli(["fit", ...args, "--store", store, "--json"]);
  if (fit.code !== 0) throw new Error(`fit failed: ${fit.stderr}`);
  return (JSON.parse(fit.stdout) as { runId: string }).runId;
}

/** `expbook predict RUN` on the texts: predictions in input order. */
export async function predictWithCli(
  store: string,
  runId: string,
  dir: string,
  texts: readonly string[],
): Promise<{ id: string; label?: string; scores?: Record<string, number>; citations?: { id: string }[] }[]> {
  const input = join(dir, `predict-${runId}.jsonl`);
  writeFileSync(input, texts.map((text, i) => `${JSON.stringify({ id: `q${i}`, text })}\n`).join(""));
  const result = await runCli(["predict", runId, "--input", input, "--store", store]);
  if (result.code !== 0) throw new Error(`predict failed: ${result.stderr}`);
  return result.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}
