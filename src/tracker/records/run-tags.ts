import type { z } from "zod";
import type { RunRecord } from "../types.js";
import { lazySchema } from "../../util/lazy-schema.js";

/**
 * The run tags studies and reports rely on. A run made outside expbook joins a study's report when it
 * is in the study's experiment and carries `system` (its row in the results table) and, when the
 * study has sweeps, `stage: "final"`.
 */
export const runTag = {
  /** The system's name: one row of the results table (falls back to `params.system`, then the run name). */
  system: "system",
  /** The system kind that ran (`finetune`, `rag`, ...). */
  kind: "kind",
  /** Where in a study the run sits: see `runStages`. */
  stage: "stage",
  /** The study (experiment) the run belongs to. */
  study: "study",
  /** The resume key of a study job. */
  job: "job",
  /** 1-based sweep trial number. */
  trial: "trial",
  /** Groups variants of one system in figures (freshness before/after). */
  family: "family",
  /** Freshness studies: the knowledge-base state, `before` or `after`. */
  kbState: "kb_state",
  /** Set on a finished run that repeats an earlier one of the same job (value: that run's id); reports skip it. */
  duplicateOf: "duplicate_of",
  /** `true` on the selected configuration when a study has no `final` stage. */
  selected: "selected",
  /** Where a run came from when not from a study (`eval` for `expbook eval --log`). */
  source: "source",
  /** The run a `rerun`-stage run repeats. */
  rerunOf: "rerun_of",
} as const;

// The values, for the readers below, which check them without building (and loading) zod.
const runStages = ["study", "trial", "final", "rerun"] as const;
const kbStates = ["before", "after"] as const;

/** Stages of a study's runs: the study's own run, sweep trials (validation only), finals (scored on test), reruns. */
export const runStageSchema = lazySchema(({ z }) => z.enum(runStages));
/** A study stage (value of the `stage` tag). */
export type RunStage = z.output<typeof runStageSchema>;

/** Knowledge-base states of a freshness study (value of the `kb_state` tag or summary). */
export const kbStateSchema = lazySchema(({ z }) => z.enum(kbStates));
/** A knowledge-base state. */
export type KbState = z.output<typeof kbStateSchema>;

function oneOf<T extends string>(values: readonly T[], value: unknown): T | undefined {
  return values.find((known) => known === value);
}

type Tagged = Pick<RunRecord, "tags" | "params" | "name" | "summary">;

function tagText(run: Pick<RunRecord, "tags">, name: string): string | undefined {
  const value = run.tags[name];
  return typeof value === "string" ? value : undefined;
}

/** The run's study stage, or undefined for a run outside a study (or an unknown stage). */
export function stageOf(run: Pick<RunRecord, "tags">): RunStage | undefined {
  return oneOf(runStages, run.tags[runTag.stage]);
}

/** The system a run belongs to: the `system` tag, else `params.system`, else the run name. */
export function systemOf(run: Pick<Tagged, "tags" | "params" | "name">): string {
  const param = run.params.system;
  return tagText(run, runTag.system) ?? (typeof param === "string" ? param : run.name);
}

/** The knowledge-base state of a freshness run, from its summary or its `kb_state` tag. */
export function kbStateOf(run: Pick<Tagged, "tags" | "summary">): KbState | undefined {
  return oneOf(kbStates, run.summary.kb_state ?? run.tags[runTag.kbState]);
}

/** The family a run's system belongs to (freshness variants of one system share it); else its system. */
export function familyOf(run: Pick<Tagged, "tags" | "params" | "name">): string {
  return tagText(run, runTag.family) ?? systemOf(run);
}

/** The run an earlier-finished duplicate repeats, when this run is tagged as one. */
export function duplicateOf(run: Pick<RunRecord, "tags">): string | undefined {
  const value = run.tags[runTag.duplicateOf];
  return value === undefined ? undefined : String(value);
}

/** The study job key (resume key) of a run, when it has one. */
export function jobOf(run: Pick<RunRecord, "tags">): string | undefined {
  return tagText(run, runTag.job);
}

/** Whether the run is tagged as a selected configuration (`selected: true` or `"true"`). */
export function isSelected(run: Pick<RunRecord, "tags">): boolean {
  const value = run.tags[runTag.selected];
  return value === true || value === "true";
}
