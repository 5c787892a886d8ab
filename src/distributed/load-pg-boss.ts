import { DependencyError } from "../util/errors.js";
import { isMissingPackage } from "../util/missing-package.js";

/** The command that installs the queue engine in a researcher's project. */
export const PG_BOSS_INSTALL = "npm install pg-boss";

/**
 * Loads pg-boss, the optional peer behind distributed studies (it needs Node ≥ 22.12, so it is not a
 * dependency of expbook). Throws a DependencyError naming the install command when the user's project
 * does not have it.
 */
export async function loadPgBoss(): Promise<typeof import("pg-boss")> {
  try {
    return await import("pg-boss");
  } catch (error) {
    if (!isMissingPackage(error, "pg-boss")) throw error;
    throw new DependencyError(
      `distributed studies need the optional package pg-boss (the job queue, Node ≥ 22.12), which is not installed; run \`${PG_BOSS_INSTALL}\` in your project`,
    );
  }
}
