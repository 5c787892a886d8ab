#!/usr/bin/env node
// In a checkout, runs the compiled dist/ when it is newer than every source file (a fast start), else
// the source through tsx, so `npx expbook` is never stale; an installed package (no src/) runs dist/.
import { existsSync, readdirSync, statSync } from "node:fs";

const sourceDir = new URL("../src/", import.meta.url);
const compiled = new URL("../dist/cli/main.js", import.meta.url);

function compiledIsFresh() {
  if (!existsSync(compiled)) return false;
  const builtAt = statSync(compiled).mtimeMs;
  const files = readdirSync(sourceDir, { recursive: true, withFileTypes: true });
  return files.every(
    (file) => !file.isFile() || statSync(`${file.parentPath ?? file.path}/${file.name}`).mtimeMs <= builtAt,
  );
}

if (existsSync(sourceDir) && !compiledIsFresh()) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("cli/main.ts", sourceDir).href);
} else {
  await import(compiled.href);
}
