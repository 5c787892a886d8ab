import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

const NASTY = [
  "<script>alert('x')</script>",
  "../../../etc/passwd",
  "..",
  ".",
  "/abs/path",
  "quotes \" ' ` and \\ backslash",
  "Ünïcödé 数据 🎉👩‍🔬 עברית",
  "line\nbreak\ttab\u0000nul",
  "C:\\Windows\\..\\x",
  "%2E%2E%2F",
  "__proto__",
  "",
];

function allPaths(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [path, ...allPaths(path)] : [path];
  });
}

test("names, params, tags, notes and artifact names round-trip unchanged and never become paths", async () => {
  const outer = tempDir();
  const storeDir = join(outer.path, "store");
  try {
    const tracker = await openTracker({ dir: storeDir });
    const ids: string[] = [];
    for (const [i, text] of NASTY.entries()) {
      const run = await tracker.startRun({
        experiment: text || "empty-name-run",
        name: text,
        note: text,
        params: { [text]: text, nested: { [text]: [text, i] } },
        tags: { [text]: text, flag: true },
      });
      run.summary({ [text]: i });
      run.log(text || "m", i);
      const path = await run.artifact(text || "unnamed", text);
      assert.ok(!relative(join(storeDir, "runs", run.id, "artifacts"), path).startsWith(".."));
      await run.finish();
      ids.push(run.id);
    }
    // Nothing was created outside the store, and every path in it is made of ids and encoded names.
    assert.deepEqual(readdirSync(outer.path), ["store"]);
    for (const path of allPaths(storeDir)) assert.ok(path.startsWith(`${storeDir}/`));

    for (const [i, text] of NASTY.entries()) {
      const id = ids[i] as string;
      const run = await tracker.run(id);
      assert.equal(run.name, text);
      assert.equal(run.note, text);
      assert.equal(run.experiment, text || "empty-name-run");
      assert.deepEqual(
        run.params,
        JSON.parse(JSON.stringify({ [text]: text, nested: { [text]: [text, i] } })),
      );
      assert.equal(run.tags[text], text);
      assert.equal(run.summary[text], i);
      assert.equal(run.series[text || "m"]?.[0]?.value, i);
      assert.equal(await tracker.readArtifact(id, text || "unnamed"), text);
    }
    // Through the CLI as well: every record via `export --format json`, one run via `show --json`.
    const exported = await runCli(["export", "--format", "json", "--store", storeDir]);
    assert.equal(exported.code, 0, exported.stderr);
    const records = JSON.parse(exported.stdout) as {
      id: string;
      name: string;
      note: string;
      params: unknown;
      tags: unknown;
    }[];
    for (const [i, text] of NASTY.entries()) {
      const record = records.find((entry) => entry.id === ids[i]);
      assert.equal(record?.name, text);
      assert.equal(record?.note, text);
      assert.deepEqual(
        record?.params,
        JSON.parse(JSON.stringify({ [text]: text, nested: { [text]: [text, i] } })),
      );
      assert.deepEqual(record?.tags, JSON.parse(JSON.stringify({ [text]: text, flag: true })));
    }
    const shown = await runCli(["show", ids[0] as string, "--json", "--store", storeDir]);
    assert.equal(shown.code, 0, shown.stderr);
    const json = JSON.parse(shown.stdout) as { name: string; artifacts: string[] };
    assert.equal(json.name, NASTY[0]);
    assert.deepEqual(json.artifacts, [NASTY[0]]);
    const found = await tracker.runs({ where: `name = ${JSON.stringify(NASTY[0])}` });
    assert.deepEqual(
      found.map((run) => run.id),
      [ids[0]],
    );
  } finally {
    outer.cleanup();
  }
});
