import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = new URL("../../dist/", import.meta.url);
// Registers a resolve hook that prints every module URL the import loads (on stderr).
const hook = `data:text/javascript,${encodeURIComponent(
  `export async function resolve(s, c, n) { const r = await n(s, c); process.stderr.write("loaded " + r.url + "\\n"); return r; }`,
)}`;
const register = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module"; register(${JSON.stringify(hook)});`,
)}`;

/** What a fresh process loaded while importing a built entry, and what `then` printed after it. */
export interface ImportLoads {
  /** `loaded URL` lines, one per resolved import (ours, packages and `node:` built-ins; repeats kept). */
  loaded: string[];
  /**
   * `source src/…` lines, one per source module held by a loaded file of dist/ (from its source map):
   * dist/ is bundled, so one loaded file may hold many of our modules.
   */
  sources: string[];
  /** `loaded URL` lines of what `then` loaded afterwards, in order (lines it printed on stderr too). */
  later: string[];
  stdout: string;
}

/** The source modules (`source src/…`) a built file of dist/ holds, from its source map. */
function sourcesOf(url: string): string[] {
  if (!url.startsWith("file:") || !url.includes("/dist/")) return [];
  const map = `${fileURLToPath(url)}.map`;
  if (!existsSync(map)) return [];
  const { sources } = JSON.parse(readFileSync(map, "utf8")) as { sources: string[] };
  return sources.map((source) => `source ${source.slice(source.lastIndexOf("src/"))}`);
}

/**
 * Imports `dist/<entry>` as `m` in a fresh Node process, records every module the import loads, then
 * runs `then` (an ES module body that may await and print; `cwd` is its working directory).
 */
export function importing(entry: string, then: string, cwd?: string): ImportLoads {
  const url = new URL(entry, dist).href;
  const loads = importLoads(url, then, cwd);
  assert.ok(loads.loaded.includes(`loaded ${url}`), loads.loaded.join("\n"));
  assert.ok(loads.sources.length > 0, `dist/${entry} has no source map: build with scripts/build.mjs`);
  return loads;
}

/** Like `importing`, for any module URL (the start-up benchmark counts another checkout's modules). */
export function importLoads(url: string, then = "", cwd?: string): ImportLoads {
  const script = `const m = await import(${JSON.stringify(url)});
console.error("imported");
${then}`;
  const result = spawnSync(process.execPath, ["--import", register, "--input-type=module", "-e", script], {
    encoding: "utf8",
    cwd,
  });
  assert.equal(result.status, 0, result.stderr);
  const [before, after] = result.stderr.split("imported\n");
  const loadLines = (text = "") => text.split("\n").filter((line) => line.startsWith("loaded "));
  const loaded = loadLines(before);
  const sources = [...new Set(loaded)].flatMap((line) => sourcesOf(line.slice("loaded ".length)));
  return { loaded, sources, later: loadLines(after), stdout: result.stdout };
}
