import type { RunRecord } from "../../tracker/types.js";
import type { Reproducibility } from "../report-model.js";
import { type StudyRecord, stageOf } from "../../tracker/records/index.js";

function distinct(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v !== ""))].sort();
}

/** Commit, dirty flag, versions, backend, seeds and commands, gathered from every run's environment. */
export function reproducibilityOf(runs: readonly RunRecord[], record: StudyRecord | null): Reproducibility {
  const envs = runs.map((run) => run.env).filter((env) => env !== undefined && env !== null);
  const dirtyFlags = envs
    .map((env) => env.gitDirty)
    .filter((flag): flag is boolean => typeof flag === "boolean");
  const versions: Record<string, string> = {};
  const expbook = distinct(envs.map((env) => env.expbookVersion));
  if (expbook.length > 0) versions.expbook = expbook.join(", ");
  const tfjs = distinct(envs.map((env) => env.tfjsVersion));
  if (tfjs.length > 0) versions["@tensorflow/tfjs"] = tfjs.join(", ");
  const os = distinct(envs.map((env) => env.os));
  if (os.length > 0) versions.os = os.join(", ");
  // The seeds that actually ran (a --quick run uses fewer than the study lists).
  const ran = runs
    .filter((run) => stageOf(run) !== "study")
    .map((run) => run.seed)
    .filter((seed): seed is number => seed !== null);
  const seeds = ran.length > 0 ? ran : (record?.study.seeds ?? []);
  return {
    commits: distinct(envs.map((env) => env.gitCommit)),
    dirty: dirtyFlags.length === 0 ? null : dirtyFlags.some(Boolean),
    node: distinct(envs.map((env) => env.node)),
    backends: distinct([
      ...envs.map((env) => env.backend),
      ...runs.map((run) => String(run.summary.backend ?? "")),
    ]),
    versions,
    seeds: [...new Set(seeds)].sort((a, b) => a - b),
    commands: record?.commands ?? [],
  };
}
