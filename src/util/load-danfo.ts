import { DependencyError } from "./errors.js";
import { isMissingPackage } from "./missing-package.js";

/**
 * Loads danfojs, the optional peer behind data frames, on first use (it pulls in its own
 * TensorFlow.js and takes seconds). Throws a DependencyError naming the install command when the
 * user's project does not have it.
 *
 * @example const danfo = await loadDanfo("toDataFrame"); new danfo.DataFrame(records)
 */
export async function loadDanfo(feature: string): Promise<typeof import("danfojs")> {
  try {
    return await import("danfojs");
  } catch (error) {
    if (!isMissingPackage(error, "danfojs")) throw error;
    throw new DependencyError(
      `${feature} needs the optional package danfojs, which is not installed; run \`npm install danfojs\` in your project`,
    );
  }
}
