import { existsSync, readFileSync } from "node:fs";

let cached: string | undefined;

/** The expbook package version (from package.json). */
export function expbookVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL("package.json", packageRootUrl()), "utf8");
    cached = (JSON.parse(text) as { version: string }).version;
  }
  return cached;
}

/** The project root (the folder holding package.json). */
export function projectRoot(): string {
  return packageRootUrl().pathname;
}

// The nearest folder with a package.json above this file: it sits in src/util/ in a checkout, and in a
// bundled file of dist/ (at another depth) once built.
function packageRootUrl(): URL {
  let dir = new URL("./", import.meta.url);
  while (!existsSync(new URL("package.json", dir))) {
    const parent = new URL("../", dir);
    if (parent.href === dir.href) throw new Error(`no package.json above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
}
