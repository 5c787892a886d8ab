import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { importing } from "../helpers/import-loads.js";

// dist/ as scripts/build.mjs bundles it: few files per import, each source module in exactly one file
// (one instance across `expbook`, its sub-paths and the CLI), lazy imports kept lazy.
const repo = new URL("../../", import.meta.url).pathname;
const dist = join(repo, "dist");

/** Every built JavaScript file of dist/ with the source modules its source map names. */
function builtFiles(): { file: string; sources: string[] }[] {
  return readdirSync(dist, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .map((file) => {
      const map = JSON.parse(readFileSync(join(dist, `${file}.map`), "utf8")) as { sources: string[] };
      return { file, sources: map.sources.map((source) => source.slice(source.lastIndexOf("src/"))) };
    });
}

test("each source module is bundled into exactly one file of dist/", () => {
  const files = builtFiles();
  const owners = new Map<string, string[]>();
  for (const { file, sources } of files) {
    for (const source of sources) owners.set(source, [...(owners.get(source) ?? []), file]);
  }
  const twice = [...owners].filter(([, inFiles]) => inFiles.length > 1);
  assert.deepEqual(twice, [], "a module bundled twice would exist twice at run time");
  // Every module of the public entries is built (spot checks across areas).
  for (const source of [
    "src/tracker/tracker.ts",
    "src/tracker/file-store/file-run-store.ts",
    "src/stats/compare-paired.ts",
    "src/study/worker-main.ts",
    "src/cli/main.ts",
  ])
    assert.ok(owners.has(source), `${source} is in no file of dist/`);
});

test('import "expbook/tracker" loads at most 3 files of dist/; "expbook" at most 4', () => {
  const ours = (loaded: string[]) =>
    [...new Set(loaded)].filter((line) => line.startsWith(`loaded file://${dist}/`));
  const tracker = ours(importing("tracker/index.js", "").loaded);
  assert.ok(tracker.length <= 3, tracker.join("\n"));
  const root = ours(importing("index.js", "").loaded);
  assert.ok(root.length <= 4, root.join("\n"));
});

test("the entries share one instance of each module: the same functions, classes and errors", () => {
  const { stdout } = importing(
    "index.js",
    `const tracker = await import(${JSON.stringify(join(dist, "tracker", "index.js"))});
const metrics = await import(${JSON.stringify(join(dist, "metrics", "index.js"))});
const study = await import(${JSON.stringify(join(dist, "study", "index.js"))});
let thrown;
try { tracker.parseQuery("(("); } catch (error) { thrown = error; }
console.log(JSON.stringify({
  openTracker: m.openTracker === tracker.openTracker,
  f1Score: m.f1Score === metrics.f1Score,
  fitSystem: m.fitSystem === study.fitSystem,
  inputError: thrown instanceof m.InputError && thrown instanceof m.ExpbookError,
}));`,
  );
  assert.deepEqual(JSON.parse(stdout), {
    openTracker: true,
    f1Score: true,
    fitSystem: true,
    inputError: true,
  });
});

test("the built CLI finds its package.json from its bundled chunk (version)", () => {
  const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
  const result = spawnSync(process.execPath, [join(dist, "cli", "main.js"), "--version"], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), manifest.version);
});
