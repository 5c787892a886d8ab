import { StudyError } from "../util/errors.js";
import { canonicalJson, sha256 } from "../util/hash.js";
import type { Study, StudySystem } from "./schema.js";
import { sweepTrials, type TrialParams } from "./sweep.js";

/** One unit of study work: one system, one configuration, one seed (and one labelled size). */
export interface StudyJob {
  /** Stable id of this piece of work: a finished run with this key is never redone. */
  key: string;
  system: string;
  kind: string;
  /** A module system's absolute path and source hash (workers load it from there). */
  module?: { path: string; hash: string };
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

/** The largest seed: seeds are 32-bit unsigned integers (never reduced modulo 2³²). */
export const MAX_SEED = 2 ** 32 - 1;

/** The seeds a study runs with under the given options. */
export function studySeeds(study: Study, options: PlanOptions): number[] {
  const count = options.seeds ?? (options.quick ? (study.quick?.seeds ?? 1) : study.seeds.length);
  if (!Number.isInteger(count) || count < 1) {
    throw new StudyError(`--seeds ${count} asks for no runs; give a whole number of seeds ≥ 1`);
  }
  const seeds = study.seeds.slice(0, count);
  let next = Math.max(...study.seeds) + 1;
  while (seeds.length < count) {
    if (next > MAX_SEED)
      throw new StudyError(`--seeds ${count}: seeds past ${MAX_SEED} do not exist; ask for fewer`);
    seeds.push(next++);
  }
  return seeds;
}

/** Checks that `--only` names systems of the study, so a typo is an error rather than zero runs. */
export function checkSelection(study: Study, options: PlanOptions): void {
  if (options.only === undefined) return;
  const known = study.systems.map((system) => system.name);
  const unknown = options.only.filter((name) => !known.includes(name));
  if (options.only.length === 0 || unknown.length > 0) {
    throw new StudyError(
      `--only ${options.only.join(",") || '""'}: study ${study.name} has no system ${unknown.map((name) => `"${name}"`).join(", ") || "named"}; choose from ${known.join(", ")}`,
    );
  }
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
    // An edited module is another system: its runs are fitted again, not reused.
    ...(system.moduleHash ? { source: system.moduleHash } : {}),
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
    ...(system.module && system.moduleHash
      ? { module: { path: system.module, hash: system.moduleHash } }
      : {}),
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

/** A param whose value is "@name": it stands for the run id of study system `name` with the same seed and size. */
export interface RunReference {
  param: string;
  system: string;
}

/** The run references among a system's params (e.g. `"embeddingRun": "@finetune-glove"`). */
export function runReferences(system: StudySystem): RunReference[] {
  return Object.entries(system.params)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1].startsWith("@"))
    .map(([param, value]) => ({ param, system: value.slice(1) }));
}

/** A job of a system that builds on other runs, and why it cannot run when a referenced run is missing. */
export interface LinkedJob {
  job: StudyJob;
  missing?: string;
}

/**
 * The jobs of systems that build on other systems' runs (run references), once those have run: each
 * reference becomes the id of the referenced system's finished run with the same seed and size, found
 * by `runIdOf` (the job key of that run).
 */
export function planLinkedPhase(
  study: Study,
  options: PlanOptions,
  runIdOf: (job: StudyJob) => string | undefined,
): LinkedJob[] {
  const linked: LinkedJob[] = [];
  for (const labelled of studySizes(study, options)) {
    for (const system of studySystems(study, options)) {
      const references = runReferences(system);
      if (references.length === 0) continue;
      for (const seed of studySeeds(study, options)) {
        const spec = { seed, ...(labelled !== undefined ? { labelled } : {}), stage: "final" as const };
        const params: Record<string, unknown> = { ...system.params };
        let missing: string | undefined;
        for (const reference of references) {
          const target = study.systems.find((candidate) => candidate.name === reference.system);
          const runId = target && runIdOf(makeJob(study, target, options, spec));
          if (runId === undefined) {
            missing ??= `needs the finished run of system "${reference.system}" for seed ${seed}; run the study with that system too`;
          } else {
            params[reference.param] = runId;
          }
        }
        const job = makeJob(study, { ...system, params }, options, spec);
        linked.push(missing === undefined ? { job } : { job, missing });
      }
    }
  }
  return linked;
}

/**
 * The first phase of a study: a final job per seed (and size) for systems without a sweep, and a
 * validation-only trial job per trial and seed for systems with one. Systems with run references wait
 * for `planLinkedPhase`.
 */
export function planFirstPhase(study: Study, options: PlanOptions): StudyJob[] {
  const jobs: StudyJob[] = [];
  const seeds = studySeeds(study, options);
  for (const labelled of studySizes(study, options)) {
    for (const system of studySystems(study, options)) {
      if (runReferences(system).length > 0) continue; // planned by planLinkedPhase
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
