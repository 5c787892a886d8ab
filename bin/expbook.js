#!/usr/bin/env node
// Runs the CLI from source (through tsx) inside a checkout, so `npx expbook` is never stale;
// an installed package without src/ runs the compiled dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
