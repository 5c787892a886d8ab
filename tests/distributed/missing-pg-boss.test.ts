import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

const studyPath = new URL("../../experiments/spam-ft-vs-rag.json", import.meta.url).pathname;
const hide = new URL("./fixtures/hide-pg-boss.mjs", import.meta.url).href;
const work = tempDir("expbook-no-pg-boss-");
after(work.cleanup);

// No PostgreSQL here: the package is looked for before any connection is tried.
const queue = "postgres://postgres@127.0.0.1:1/nowhere";
const env = { NODE_OPTIONS: `--import=${hide}` };

describe("distributed commands in a project without pg-boss (an optional peer)", () => {
  for (const [command, args] of [
    ["worker", ["worker", "--queue", queue]],
    ["run --distributed", ["run", studyPath, "--quick", "--distributed", "--queue", queue]],
    [
      "run --distributed --detach",
      ["run", studyPath, "--quick", "--distributed", "--detach", "--queue", queue],
    ],
    ["status", ["status", studyPath, "--queue", queue]],
  ] as const) {
    test(`expbook ${command} prints one line naming pg-boss and its install command`, async () => {
      const store = join(work.path, command.replaceAll(" ", "_"));
      const result = await runCli([...args, "--store", store], { cwd: work.path, env });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, "");
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0] ?? "",
        /^expbook: .*optional package pg-boss.*; run `npm install pg-boss` in your project$/,
      );
    });
  }
});
