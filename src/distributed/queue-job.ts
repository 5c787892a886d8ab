import { isAbsolute, relative, resolve } from "node:path";
import { hostname } from "node:os";
import { type PlanOptions, runReferences, type StudyJob } from "../study/plan.js";
import type { StudyContext } from "../study/run-job.js";
import type { Study } from "../study/schema.js";
import { sha256 } from "../util/hash.js";
import { findProjectRoot } from "../util/project-root.js";
import { lazySchema } from "../util/lazy-schema.js";

/** The queue every study job goes to (workers serve all studies of a queue database). */
export const STUDY_QUEUE = "expbook-study-jobs";

/** What one queued job carries: the study's shared context, the unit of work, and where runs go. */
export interface QueuedStudyJob {
  /** Payload version: a worker refuses jobs of a newer format. */
  format: 1;
  /** The study's name (queried by `status` and followed by the submitter). */
  study: string;
  /** The run store URI the submitter used (a worker's `--store` overrides it). */
  store: string;
  context: StudyContext;
  /** The unit of work; a module system's path is relative to the project root. */
  job: StudyJob;
  /** Where the job was submitted from. */
  submittedBy: string;
  /**
   * For studies with systems that build on other systems' runs (`"@name"` params): what a worker needs
   * to enqueue those runs once the runs they reference have finished, even when no submitter is
   * following the study (`--detach`).
   */
  dependents?: DependentsPlan;
}

/** A study's definition as submitted (module paths relative to the project root) and how it was narrowed. */
export interface DependentsPlan {
  study: Study;
  options: PlanOptions;
  /** Retry limit and heartbeat the dependent jobs are sent with (as the submitter's). */
  retryLimit: number;
  heartbeatSeconds: number;
}

const queuedJobSchema = lazySchema(({ z }) =>
  z.object({
    format: z.literal(1),
    study: z.string(),
    store: z.string(),
    context: z.object({ study: z.string(), experiment: z.string(), store: z.string() }).passthrough(),
    job: z.object({ key: z.string(), system: z.string(), seed: z.number() }).passthrough(),
    submittedBy: z.string(),
  }),
);

/**
 * The queue id of a study job: a UUID made from the study and the job's resume key, so submitting the
 * same unit of work twice names the same job (and the queue keeps only one).
 */
export function queueJobId(study: string, key: string): string {
  const hex = sha256(`${study}\n${key}`);
  // A version-4-shaped UUID (variant bits set) from the hash's first 32 hex digits.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A module path inside the project, relative to its root (so another checkout finds it); else as is. */
function portablePath(path: string, root: string): string {
  const inside = relative(root, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

/**
 * What workers need to enqueue a study's dependent jobs, or undefined when no system of the study builds
 * on another's runs.
 */
export function dependentsPlan(
  study: Study,
  options: PlanOptions & { retryLimit: number; heartbeatSeconds: number },
): DependentsPlan | undefined {
  if (!study.systems.some((system) => runReferences(system).length > 0)) return undefined;
  const root = findProjectRoot();
  const systems = study.systems.map((system) =>
    system.module ? { ...system, module: portablePath(system.module, root) } : system,
  );
  const { quick, seeds, only, retryLimit, heartbeatSeconds } = options;
  return {
    study: { ...study, systems },
    options: {
      ...(quick !== undefined ? { quick } : {}),
      ...(seeds !== undefined ? { seeds } : {}),
      ...(only !== undefined ? { only } : {}),
    },
    retryLimit,
    heartbeatSeconds,
  };
}

/** The payload of one study job for the queue. */
export function queuedStudyJob(
  context: StudyContext,
  job: StudyJob,
  store: string,
  dependents?: DependentsPlan,
): QueuedStudyJob {
  const root = findProjectRoot();
  return {
    format: 1,
    study: context.study,
    store,
    context,
    job: job.module ? { ...job, module: { ...job.module, path: portablePath(job.module.path, root) } } : job,
    submittedBy: hostname(),
    ...(dependents ? { dependents } : {}),
  };
}

/** Reads a job payload from the queue; undefined when it is not one this expbook understands. */
export function readQueuedStudyJob(data: unknown): QueuedStudyJob | undefined {
  return queuedJobSchema.safeParse(data).success ? (data as QueuedStudyJob) : undefined;
}

/** A queued module path resolved on this machine (relative paths against this project's root). */
export function localModulePath(path: string): string {
  return isAbsolute(path) ? path : resolve(findProjectRoot(), path);
}
