import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { tempDir } from "../helpers/cli.js";

// Executes every notebook with Jupyter's real tslab kernel (against the compiled dist/, which
// `npm test` builds first) and fails on any cell error.
const notebooksDir = new URL("../../notebooks/", import.meta.url).pathname;
const notebooks = readdirSync(notebooksDir)
  .filter((name) => name.endsWith(".ipynb"))
  .sort();
const work = tempDir("expbook-notebooks-");
after(work.cleanup);

interface Cell {
  cell_type: string;
  outputs?: Array<{ output_type: string; ename?: string; evalue?: string }>;
}

describe("notebooks execute under Jupyter with the tslab kernel", () => {
  test("there are notebooks 01 to 06", () => {
    for (const prefix of ["01-", "02-", "03-", "04-", "05-", "06-"]) {
      assert.ok(
        notebooks.some((name) => name.startsWith(prefix)),
        `missing notebooks/${prefix}*.ipynb`,
      );
    }
  });

  for (const name of notebooks) {
    test(name, () => {
      const source = JSON.parse(readFileSync(join(notebooksDir, name), "utf8")) as { cells: Cell[] };
      assert.ok(
        source.cells.every((cell) => !cell.outputs || cell.outputs.length === 0),
        "commit notebooks without outputs",
      );
      const result = spawnSync(
        "jupyter",
        [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=900",
          "--ExecutePreprocessor.kernel_name=tslab",
          "--output-dir",
          work.path,
          join(notebooksDir, name),
        ],
        { encoding: "utf8", env: { ...process.env, EXPBOOK_STORE: join(work.path, `store-${name}`) } },
      );
      assert.equal(result.status, 0, `nbconvert failed:\n${result.stderr.slice(-4000)}`);
      const executed = JSON.parse(readFileSync(join(work.path, name), "utf8")) as { cells: Cell[] };
      const code = executed.cells.filter((cell) => cell.cell_type === "code");
      assert.ok(code.length > 0);
      // tslab reports no execution counts; nbconvert's exit status says every cell ran without an error.
      for (const cell of code) {
        const error = cell.outputs?.find((output) => output.output_type === "error");
        assert.equal(error, undefined, `${error?.ename}: ${error?.evalue}`);
      }
      const withOutput = code.filter((cell) => (cell.outputs?.length ?? 0) > 0).length;
      assert.ok(
        withOutput >= code.length / 2,
        `only ${withOutput} of ${code.length} code cells showed anything`,
      );
    });
  }
});
