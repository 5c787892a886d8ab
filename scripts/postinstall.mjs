// After `npm install`/`npm ci` in a checkout: link node_modules/expbook to the project so notebooks
// (tslab cannot resolve a package's self-reference) can `import ... from "expbook"`, and build dist/.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";

const root = process.cwd();
if (existsSync(join(root, "src", "index.ts")) && existsSync(join(root, "node_modules"))) {
  const link = join(root, "node_modules", "expbook");
  try {
    if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { recursive: true, force: true });
    symlinkSync("..", link, "dir");
  } catch (error) {
    console.warn(`expbook postinstall: could not link node_modules/expbook (${error.message})`);
  }
  const esbuild = join(root, "node_modules", "esbuild");
  if (existsSync(join(root, "scripts", "build.mjs")) && existsSync(esbuild)) {
    const result = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
    if (result.status !== 0) console.warn("expbook postinstall: building dist/ failed; run `npm run build`");
  }
}
