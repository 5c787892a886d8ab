import { DependencyError } from "./errors.js";

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
    const absent =
      (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" &&
      (error as Error).message.includes("'danfojs'");
    if (!absent) throw error;
    throw new DependencyError(
      `${feature} needs the optional package danfojs, which is not installed; run \`npm install danfojs\` in your project`,
    );
  }
}
