import type { RunRecord } from "../../src/tracker/types.js";

/** The environment block of a run recorded on another machine (test records share it). */
export const elsewhereEnv: RunRecord["env"] = {
  gitCommit: null,
  gitDirty: null,
  gitDiffHash: null,
  node: "v20",
  os: "linux",
  cpu: "test",
  expbookVersion: "0.0.0",
  command: [],
  hostname: "elsewhere",
  pid: 1,
};

/** A finished run record of experiment "bulk" with empty params, tags and summary; `overrides` replace fields. */
export function endedRecord(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    experiment: "bulk",
    name: id.slice(-10),
    status: "finished",
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:01.000Z",
    params: {},
    tags: {},
    note: "",
    seed: null,
    datasetFingerprint: null,
    splitFingerprint: null,
    summary: {},
    env: elsewhereEnv,
    error: null,
    artifacts: [],
    latest: {},
    ...overrides,
  };
}
