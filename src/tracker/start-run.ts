import { accessSync, constants, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JSONFileSync } from "lowdb/node";
import { InputError } from "../util/errors.js";
import { captureEnvironment } from "./environment.js";
import { LiveRun } from "./live-run.js";
import { newRunId } from "./run-id.js";
import { storeWriteError } from "./store-io-error.js";
import type { StoreLayout } from "./store-layout.js";
import type { JsonValue, RunRecord, StartRunOptions } from "./types.js";

function checkJson(value: unknown, where: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new InputError(`${where} is ${value}; params must be finite JSON numbers`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkJson(item, `${where}[${i}]`);
    return;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new InputError(
        `${where} is a ${proto?.constructor?.name ?? "non-plain object"}; params must be plain JSON`,
      );
    }
    for (const [key, item] of Object.entries(value)) checkJson(item, `${where}.${key}`);
    return;
  }
  throw new InputError(
    `${where} is a ${typeof value}; params must be plain JSON (string, number, boolean, null, array, object)`,
  );
}

/** Checks `startRun` options at the edge and returns the run record to create. */
export function initialRecord(id: string, options: StartRunOptions): RunRecord {
  if (typeof options?.experiment !== "string" || options.experiment === "") {
    throw new InputError("startRun: `experiment` must be a non-empty string");
  }
  if (options.name !== undefined && typeof options.name !== "string") {
    throw new InputError("startRun: `name` must be a string");
  }
  if (options.note !== undefined && typeof options.note !== "string") {
    throw new InputError("startRun: `note` must be a string");
  }
  if (options.seed !== undefined && (typeof options.seed !== "number" || !Number.isFinite(options.seed))) {
    throw new InputError("startRun: `seed` must be a finite number");
  }
  const params: Record<string, JsonValue> = options.params ?? {};
  checkJson(params, "params");
  const tags = options.tags ?? {};
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== "string" && typeof value !== "boolean") {
      throw new InputError(`startRun: tag "${key}" must be a string or boolean`);
    }
  }
  const now = new Date().toISOString();
  return {
    id,
    experiment: options.experiment,
    name: options.name ?? id.slice(-10),
    status: "running",
    createdAt: now,
    startedAt: now,
    endedAt: null,
    params: JSON.parse(JSON.stringify(params)) as Record<string, JsonValue>,
    tags: Object.assign(Object.create(null), tags),
    note: options.note ?? "",
    seed: options.seed ?? null,
    datasetFingerprint: options.datasetFingerprint ?? null,
    splitFingerprint: options.splitFingerprint ?? null,
    // Null-prototype maps: user keys such as "__proto__" stay plain data when merged in later.
    summary: Object.create(null),
    env: captureEnvironment(options.env),
    error: null,
    artifacts: [],
    latest: Object.create(null),
  };
}

/**
 * Creates a run folder atomically (built under a hidden staging name, then renamed into `runs/`),
 * so a reader never sees half a run, and returns the live run.
 */
export function startRun(layout: StoreLayout, options: StartRunOptions): LiveRun {
  const id = newRunId();
  const record = initialRecord(id, options);
  const staging = join(layout.runsDir, `.staging-${id}`);
  try {
    mkdirSync(join(staging, "artifacts"), { recursive: true });
    new JSONFileSync<RunRecord>(join(staging, "run.json")).write(record);
    writeFileSync(join(staging, "metrics.jsonl"), "");
    writeFileSync(join(staging, "heartbeat"), "");
    renameSync(staging, layout.runDir(id));
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // A recursive mkdir on a read-only file system reports ENOENT; ask the folder itself why.
    let cause = error;
    try {
      accessSync(layout.runsDir, constants.W_OK);
    } catch (probe) {
      cause = probe;
    }
    throw storeWriteError("a new run into", layout.runsDir, cause);
  }
  return new LiveRun(layout, record);
}
