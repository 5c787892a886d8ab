import { canonicalJson, sha256 } from "../util/hash.js";
import type { Study, StudySystem } from "./schema.js";
import { sweepTrials, type TrialParams } from "./sweep.js";

/** One unit of study work: one system, one configuration, one seed (and one labelled size). */
export interface StudyJob {
  /** Stable id of this piece of work: a finished run with this key is never redone. */
  key: string;
  system: string;
  kind: string;
  /** System params: the study's, then `--quick` overrides, then the trial's. */
  params: Record<string, unknown>;
  trial?: number;
  trialParams?: TrialParams;
  seed: number;
  splitSeed: number;
  labelled?: number;
  stage: "trial" | "final";
  scoreTest: boolean;
  family?: string;
  kbState?: "before" | "after";
}

/** How the command line narrows a study. */
export interface PlanOptions {
  quick?: boolean;
  /** Use this many seeds (the study's first ones, extended with the next integers if more are asked). */
  seeds?: number;
  /** Run only these systems (by name). */
  only?: string[];
}

/** The seeds a study runs with under the given options. */
export function studySeeds(study: Study, options: PlanOptions): number[] {
  const count = options.seeds ?? (options.quick ? (study.quick?.seeds ?? 1) : study.seeds.length);
  const seeds = study.seeds.slice(0, count);
  let next = Math.max(...study.seeds) + 1;
  while (seeds.length < count) seeds.push(next++);
  return seeds;
}

/** The labelled-set sizes of a learning-curve study (undefined = all training rows). */
export function studySizes(study: Study, options: PlanOptions): Array<number | undefined> {
  if (!study.learningCurve) return [undefined];
  const sizes = options.quick && study.quick?.sizes ? study.quick.sizes : study.learningCurve.sizes;
  return sizes.map((size) => (size === "all" ? undefined : size));
}

/** The systems a run covers (all, or the `--only` ones in study order). */
export function studySystems(study: Study, options: PlanOptions): StudySystem[] {
  if (!options.only || options.only.length === 0) return study.systems;
  return study.systems.filter((system) => options.only?.includes(system.name));
}

/** The split seed a model seed uses. */
export function splitSeedFor(study: Study, seed: number): number {
  return study.split.seed === "per-seed" ? seed : study.split.seed;
}

function jobKey(study: Study, parts: Record<string, unknown>): string {
  return sha256(
    canonicalJson({ study: study.name, dataset: study.dataset, split: study.split, ...parts }),
  ).slice(0, 20);
}

/** Builds a job (and its key) for one system, configuration, seed and size. */
export function makeJob(
  study: Study,
  system: StudySystem,
  options: PlanOptions,
  spec: {
    seed: number;
    labelled?: number;
    trial?: number;
    trialParams?: TrialParams;
    stage: "trial" | "final";
  },
): StudyJob {
  const quick = options.quick ? (study.quick?.params[system.kind] ?? {}) : {};
  const params = { ...system.params, ...quick, ...(spec.trialParams ?? {}) };
  const splitSeed = splitSeedFor(study, spec.seed);
  const scoreTest = spec.stage === "final";
  const key = jobKey(study, {
    system: system.name,
    kind: system.kind,
    params,
    seed: spec.seed,
    splitSeed,
    labelled: spec.labelled,
    stage: spec.stage,
  });
  return {
    key,
    system: system.name,
    kind: system.kind,
    params,
    ...(spec.trial !== undefined ? { trial: spec.trial } : {}),
    ...(spec.trialParams ? { trialParams: spec.trialParams } : {}),
    seed: spec.seed,
    splitSeed,
    ...(spec.labelled !== undefined ? { labelled: spec.labelled } : {}),
    stage: spec.stage,
    scoreTest,
    ...(system.family ? { family: system.family } : {}),
    ...(system.kbState ? { kbState: system.kbState } : {}),
  };
}

/**
 * The first phase of a study: a final job per seed (and size) for systems without a sweep, and a
 * validation-only trial job per trial and seed for systems with one.
 */
export function planFirstPhase(study: Study, options: PlanOptions): StudyJob[] {
  const jobs: StudyJob[] = [];
  const seeds = studySeeds(study, options);
  for (const labelled of studySizes(study, options)) {
    for (const system of studySystems(study, options)) {
      const trials = sweepTrials(study.name, system, options.quick ? study.quick?.maxTrials : undefined);
      for (const seed of seeds) {
        if (!system.sweep) {
          jobs.push(
            makeJob(study, system, options, {
              seed,
              ...(labelled !== undefined ? { labelled } : {}),
              stage: "final",
            }),
          );
          continue;
        }
        trials.forEach((trialParams, trial) => {
          jobs.push(
            makeJob(study, system, options, {
              seed,
              ...(labelled !== undefined ? { labelled } : {}),
              trial,
              trialParams,
              stage: "trial",
            }),
          );
        });
      }
    }
  }
  return jobs;
}
