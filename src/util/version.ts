import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The expbook package version (from package.json). */
export function expbookVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    cached = (JSON.parse(text) as { version: string }).version;
  }
  return cached;
}

/** The project root (the folder holding package.json). */
export function projectRoot(): string {
  return new URL("../../", import.meta.url).pathname;
}
