import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

// Where runs and caches go by default: the project root (the nearest folder with package.json or .git
// above the working directory), so a notebook in a sub-folder and a shell at the top agree.
const work = tempDir("expbook-store-location-");
after(work.cleanup);
const project = realpathSync(work.path);
writeFileSync(join(project, "package.json"), "{}\n");
const sub = join(project, "notebooks", "drafts");
mkdirSync(sub, { recursive: true });
const withoutOurs = { EXPBOOK_STORE: "", EXPBOOK_CACHE: "" };

describe("store and cache locations", () => {
  test("the store defaults to .expbook in the project root, from any sub-folder", async () => {
    for (const cwd of [project, sub]) {
      const result = await runCli(["ls"], { cwd, env: withoutOurs });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr.trim(), `no runs in ${join(project, ".expbook")}`);
    }
  });

  test("EXPBOOK_STORE and --store win over the project root", async () => {
    const fromEnv = await runCli(["ls"], { cwd: sub, env: { ...withoutOurs, EXPBOOK_STORE: "elsewhere" } });
    assert.equal(fromEnv.stderr.trim(), `no runs in ${join(sub, "elsewhere")}`);
    const fromFlag = await runCli(["ls", "--store", "flagged"], {
      cwd: sub,
      env: { ...withoutOurs, EXPBOOK_STORE: "elsewhere" },
    });
    assert.equal(fromFlag.stderr.trim(), `no runs in ${join(sub, "flagged")}`);
  });

  test("a folder outside any project keeps its store and caches where it is", async () => {
    const loose = tempDir("expbook-loose-");
    try {
      const cwd = realpathSync(loose.path);
      const result = await runCli(["ls"], { cwd, env: withoutOurs });
      assert.equal(result.stderr.trim(), `no runs in ${join(cwd, ".expbook")}`);
    } finally {
      loose.cleanup();
    }
  });

  test("caches default to .cache/expbook in the project root; EXPBOOK_CACHE wins", () => {
    const entry = new URL("../../src/index.ts", import.meta.url).href;
    const script = `const { cacheDirectory } = await import(${JSON.stringify(entry)}); console.log(cacheDirectory());`;
    const cacheFrom = (env: Record<string, string>): string => {
      const result = spawnSync(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), "--input-type=module", "-e", script],
        {
          cwd: sub,
          env: { ...process.env, ...env },
          encoding: "utf8",
        },
      );
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.trim();
    };
    assert.equal(cacheFrom(withoutOurs), join(project, ".cache", "expbook"));
    assert.equal(cacheFrom({ EXPBOOK_CACHE: "/var/tmp/expbook-cache" }), "/var/tmp/expbook-cache");
  });
});
