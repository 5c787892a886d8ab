import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openTracker } from "../../src/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-compare-");
after(work.cleanup);

/** The rows of one titled table in `compare` output: key → cells, split where two spaces separate columns. */
function readTable(output: string, title: RegExp): Map<string, string[]> {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => title.test(line));
  assert.ok(start >= 0, `no table ${title} in:\n${output}`);
  const rows = new Map<string, string[]>();
  // Line start + 1 is the header (run names); rows follow until a blank line.
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === "") break;
    const [key, ...cells] = line.trim().split(/ {2,}/);
    rows.set(key ?? "", cells);
  }
  return rows;
}

describe("expbook compare prints every value in full", () => {
  test("strings, booleans and numbers of the params come back intact", async () => {
    const store = join(work.path, "synthetic");
    const tracker = await openTracker({ dir: store });
    const long = "a system description that is far longer than thirty characters";
    const ids: string[] = [];
    for (const [kind, optimizer, freeze, rate, system] of [
      ["tfidf-logreg", "adam", false, 0.00012345, long],
      ["finetune", "sgd", true, 0.001, "finetune-glove"],
    ] as const) {
      const run = await tracker.startRun({
        experiment: "compare",
        name: kind,
        params: { kind, optimizer, freeze, learningRate: rate, system },
      });
      run.summary({ test_f1: kind === "finetune" ? 0.8123456 : 0.75, backend: "tensorflow-wasm-simd" });
      await run.finish();
      ids.push(run.id);
    }
    await tracker.close();
    const result = await runCli(["compare", ...ids, "--store", store]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes("…"), `clipped value in:\n${result.stdout}`);
    const params = readTable(result.stdout, /^params that differ/);
    assert.deepEqual(params.get("kind"), ["tfidf-logreg", "finetune"]);
    assert.deepEqual(params.get("optimizer"), ["adam", "sgd"]);
    assert.deepEqual(params.get("freeze"), ["false", "true"]);
    assert.deepEqual(params.get("learningRate"), ["0.00012345", "0.001"]);
    assert.deepEqual(params.get("system"), [long, "finetune-glove"]);
    const metrics = readTable(result.stdout, /^metrics/);
    assert.deepEqual(metrics.get("test_f1"), ["0.75", "0.8123"]);
    assert.deepEqual(metrics.get("backend"), ["tensorflow-wasm-simd", "tensorflow-wasm-simd"]);
  });

  test("two fitted runs: kinds intact in the params and nothing clipped in the paired-test table", async () => {
    const store = join(work.path, "fitted");
    const csv = join(work.path, "mail.csv");
    const rows = Array.from({ length: 80 }, (_, i) => {
      const spam = i % 3 === 0;
      return `m${i},"${spam ? "win money now free offer" : "meeting notes for the project"} ${i % 7}",${spam ? "spam" : "ham"}`;
    });
    writeFileSync(csv, `id,text,label\n${rows.join("\n")}\n`);
    const ids: string[] = [];
    for (const kind of ["tfidf-logreg", "majority"]) {
      const fit = await runCli([
        "fit",
        kind,
        "--dataset",
        csv,
        "--text",
        "text",
        "--label",
        "label",
        "--positive",
        "spam",
        "--store",
        store,
        "--json",
      ]);
      assert.equal(fit.code, 0, fit.stderr);
      ids.push(JSON.parse(fit.stdout).runId);
    }
    const result = await runCli(["compare", ...ids, "--store", store]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes("…"), `clipped value in:\n${result.stdout}`);
    assert.deepEqual(readTable(result.stdout, /^params that differ/).get("kind"), [
      "tfidf-logreg",
      "majority",
    ]);
    const paired = readTable(result.stdout, /^paired tests on shared test examples/);
    const other = `majority/seed=1 (${ids[1]})`;
    assert.ok(paired.has(other), `no full row name ${other} in:\n${result.stdout}`);
    assert.equal(paired.get(other)?.[0], "11");
  });
});
