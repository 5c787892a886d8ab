import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadDataset } from "../../src/index.js";
import { tempDir } from "../helpers/cli.js";

// Executes tests/data/notebooks/edit-csv.ipynb in Jupyter's real tslab kernel (against dist/, which
// `npm test` builds first): one kernel writes a CSV, loads it, edits it, and loads it again.
const notebook = new URL("./notebooks/edit-csv.ipynb", import.meta.url).pathname;
const work = tempDir("expbook-edit-csv-");
after(work.cleanup);

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

test("a CSV edited between two loadDataset calls in one kernel gives the new rows and a new fingerprint", async () => {
  const csv = join(work.path, "mail.csv");
  const result = spawnSync(
    "jupyter",
    [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=300",
      "--ExecutePreprocessor.kernel_name=tslab",
      "--output-dir",
      work.path,
      notebook,
    ],
    {
      encoding: "utf8",
      env: { ...process.env, EXPBOOK_EDIT_CSV: csv, EXPBOOK_STORE: join(work.path, "store") },
    },
  );
  assert.equal(result.status, 0, `nbconvert failed:\n${result.stderr.slice(-4000)}`);
  const executed = JSON.parse(readFileSync(join(work.path, "edit-csv.ipynb"), "utf8")) as {
    cells: Array<{ outputs?: Output[] }>;
  };
  const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
  const error = outputs.find((output) => output.output_type === "error");
  assert.equal(error, undefined, `${error?.ename}: ${error?.evalue}`);
  const printed = outputs
    .filter((output) => output.output_type === "stream" && output.name === "stdout")
    .flatMap((output) =>
      (Array.isArray(output.text) ? output.text.join("") : (output.text ?? "")).split("\n"),
    )
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { step: string; rows: number; fingerprint: string });
  assert.deepEqual(
    printed.map(({ step, rows }) => [step, rows]),
    [
      ["first", 2],
      ["second", 3],
    ],
  );
  // Each fingerprint is the one a fresh process computes for that version of the file.
  const expected: string[] = [];
  for (const [i, content] of [
    "text,label\r\nwin money,spam\r\nmeeting notes,ham\r\n",
    "text,label\r\nwin money,spam\r\nmeeting notes,ham\r\nfree offer,spam\r\n",
  ].entries()) {
    const path = join(work.path, `version-${i}.csv`);
    writeFileSync(path, content);
    expected.push((await loadDataset(path, { text: "text", label: "label" })).fingerprint);
  }
  assert.notEqual(expected[0], expected[1]);
  assert.deepEqual(
    printed.map(({ fingerprint }) => fingerprint),
    expected,
  );
});
