#!/usr/bin/env node
// The test command: typecheck, lint, build dist/ (scripts/build.mjs; for notebooks and the CLI), then every tests/**/*.test.ts
// through node:test + tsx. Extra arguments are test files to run instead of all.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function findTests(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return findTests(path);
      return name.endsWith(".test.ts") ? [path] : [];
    });
}

const only = process.argv.slice(2);
if (only.length === 0) {
  run("npx", ["--no-install", "tsc", "--noEmit", "-p", "."]);
  run("npx", ["--no-install", "biome", "check", "src", "tests", "bench", "scripts"]);
}
run(process.execPath, ["scripts/build.mjs"]);
const files = only.length > 0 ? only : findTests("tests");
run(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], {
  env: { ...process.env, EXPBOOK_TEST: "1" },
});
