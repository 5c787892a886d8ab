import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { LowSync } from "lowdb";
import { JSONFileSync } from "lowdb/node";
import type { ZodType } from "zod";
import type { RunRecord } from "./types.js";

/** Identifies one version of a run file (every lowdb write renames a new file into place). */
export type FileKey = string;

/** What a run folder's `run.json` held when read. */
export type RunFileRead =
  | { ok: true; record: RunRecord; key: FileKey }
  | { ok: false; error: string; missing: boolean };

// zod is most of the tracker's import time, and a listing served from the index validates no run file:
// the schema is built at the first validation (with a synchronous require, as reads are synchronous).
let runSchema: ZodType | undefined;

function runDocumentSchema(): ZodType {
  if (runSchema !== undefined) return runSchema;
  const { z } = createRequire(import.meta.url)("zod") as typeof import("zod");
  const jsonValue: ZodType = z.lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(jsonValue),
      z.record(z.string(), jsonValue),
    ]),
  );
  runSchema = z.looseObject({
    id: z.string(),
    experiment: z.string(),
    name: z.string(),
    status: z.enum(["running", "finished", "failed", "killed", "crashed"]),
    createdAt: z.string(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    params: z.record(z.string(), jsonValue),
    tags: z.record(z.string(), z.union([z.string(), z.boolean()])),
    note: z.string(),
    seed: z.number().nullable(),
    datasetFingerprint: z.string().nullable(),
    splitFingerprint: z.string().nullable(),
    summary: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    env: z.looseObject({ hostname: z.string(), pid: z.number() }),
    error: z.string().nullable(),
    artifacts: z.array(z.string()),
    latest: z.record(z.string(), z.number().nullable()).optional(),
  });
  return runSchema;
}

/** The key of the file version behind an open descriptor. */
export function fileKey(stats: { ino: number; size: number; mtimeMs: number }): FileKey {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/**
 * Reads and validates a run file. The key comes from the same descriptor as the text, so a cached
 * copy keyed by it always matches what was read.
 */
export function readRunFile(path: string): RunFileRead {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      error: code === "ENOENT" ? "run.json is missing" : String(error),
      missing: code === "ENOENT",
    };
  }
  let text: string;
  let key: FileKey;
  try {
    key = fileKey(fstatSync(fd));
    text = readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `invalid JSON (${(error as Error).message})`, missing: false };
  }
  const checked = runDocumentSchema().safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return {
      ok: false,
      error: `not a run document (${issue?.path.join(".")}: ${issue?.message})`,
      missing: false,
    };
  }
  // The parsed object itself, not zod's copy: zod rebuilds records by assignment, which would turn a
  // user's "__proto__" key into a prototype instead of keeping it as data.
  return { ok: true, record: parsed as RunRecord, key };
}

/**
 * The lowdb document of a run this process owns. Writes are synchronous and atomic (temp file +
 * rename), so a signal or `exit` handler can write the final state with nothing in flight.
 */
export class RunDocument {
  private readonly db: LowSync<RunRecord>;

  constructor(path: string, initial: RunRecord) {
    this.db = new LowSync<RunRecord>(new JSONFileSync<RunRecord>(path), initial);
  }

  /** The current in-memory record. */
  get data(): RunRecord {
    return this.db.data;
  }

  /** Writes the record to disk. */
  write(): void {
    this.db.write();
  }
}
