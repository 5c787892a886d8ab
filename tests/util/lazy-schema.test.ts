import assert from "node:assert/strict";
import { test } from "node:test";
import { importing } from "../helpers/import-loads.js";

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
