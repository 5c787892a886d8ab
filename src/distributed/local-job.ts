import { hostname } from "node:os";
import type { StudyJob } from "../study/plan.js";
import { loadSystemModule } from "../study/system-module.js";
import { StudyError } from "../util/errors.js";
import { localModulePath } from "./queue-job.js";

/**
 * A queued job made ready to run on this machine: a module system's path resolved in this checkout,
 * and its source checked against the hash the study was submitted with. Throws a `StudyError` naming
 * both hashes when this machine's module differs (another worker with the right version may take it).
 */
export async function localStudyJob(job: StudyJob): Promise<StudyJob> {
  if (!job.module) return job;
  const path = localModulePath(job.module.path);
  let hash: string;
  try {
    hash = (await loadSystemModule(path)).hash;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StudyError(`worker on ${hostname()}: ${reason}; check out the study's project on this machine`);
  }
  if (hash !== job.module.hash) {
    throw new StudyError(
      `worker on ${hostname()}: system module ${job.module.path} has source hash ${hash} here but the study was submitted with ${job.module.hash}; check out the same version of the module on every worker`,
    );
  }
  return { ...job, module: { path, hash } };
}
