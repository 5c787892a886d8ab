import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

const dist = new URL("../../dist/", import.meta.url);
// Registers a resolve hook that prints every module URL the import loads (on stderr).
const hook = `data:text/javascript,${encodeURIComponent(
  `export async function resolve(s, c, n) { const r = await n(s, c); process.stderr.write("loaded " + r.url + "\\n"); return r; }`,
)}`;
const register = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module"; register(${JSON.stringify(hook)});`,
)}`;

function importing(entry: string, then: string): { loaded: string[]; stdout: string } {
  const script = `const m = await import(${JSON.stringify(new URL(entry, dist).href)});
console.error("imported");
${then}`;
  const result = spawnSync(process.execPath, ["--import", register, "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  const [before] = result.stderr.split("imported\n");
  const loaded = (before ?? "").split("\n").filter((line) => line.startsWith("loaded "));
  assert.ok(loaded.length > 10, result.stderr);
  return { loaded, stdout: result.stdout };
}

test('import "expbook/tracker" and import "expbook" load no zod; the schemas build with the one zod at first use', () => {
  for (const entry of ["tracker/index.js", "index.js"]) {
    const { loaded, stdout } = importing(
      entry,
      `const { z } = await import("zod");
const rows = m.readPredictionRows('{"split":"test","id":7,"y_true":"a","y_pred":"b"}', "p.jsonl");
console.log(JSON.stringify({ id: rows[0].id, same: m.predictionRowSchema instanceof z.ZodObject }));`,
    );
    assert.deepEqual(
      loaded.filter((line) => line.includes("/node_modules/zod/")),
      [],
      `${entry} loads zod at import`,
    );
    assert.deepEqual(JSON.parse(stdout), { id: "7", same: true });
  }
});
