import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);

const valid = JSON.parse(
  readFileSync(new URL("../../experiments/spam-ft-vs-rag.json", import.meta.url), "utf8"),
);

function variant(
  change: (study: Record<string, unknown> & { systems: Array<Record<string, unknown>> }) => void,
): unknown {
  const study = structuredClone(valid);
  change(study);
  return study;
}

const cases: Array<[string, unknown, RegExp]> = [
  [
    "unknown system kind",
    variant((s) => {
      s.systems[0] = { name: "x", kind: "gpt-9" };
    }),
    /systems\[0\]\.kind: unknown system kind "gpt-9"/,
  ],
  [
    "unknown param",
    variant((s) => {
      s.systems[3] = { name: "rag", kind: "rag", params: { kay: 5 } };
    }),
    /systems\[3\]\.params: unknown param "kay"/,
  ],
  [
    "param of the wrong type",
    variant((s) => {
      s.systems[0] = { name: "ft", kind: "finetune", params: { learningRate: "fast" } };
    }),
    /systems\[0\]\.params\.learningRate: .*number/i,
  ],
  [
    "sweep over zero values",
    variant((s) => {
      s.systems[0] = { name: "ft", kind: "finetune", sweep: { grid: { learningRate: [] } } };
    }),
    /systems\[0\]\.sweep\.grid\.learningRate: a sweep needs at least one value/,
  ],
  [
    "sweep value of the wrong type",
    variant((s) => {
      s.systems[0] = { name: "ft", kind: "finetune", sweep: { grid: { dropout: [0.1, "lots"] } } };
    }),
    /systems\[0\]\.sweep \(trial 2\)\.dropout/,
  ],
  [
    "unknown dataset",
    variant((s) => {
      s.dataset = { name: "no-such-data" };
    }),
    /dataset\.name: unknown dataset "no-such-data"/,
  ],
  [
    "no systems",
    variant((s) => {
      s.systems = [];
    }),
    /systems: list at least one system/,
  ],
  [
    "unknown top-level field",
    variant((s) => {
      (s as Record<string, unknown>).sedes = [1];
    }),
    /unknown param "sedes"|Unrecognized key/,
  ],
  [
    "run reference to no system",
    variant((s) => {
      s.systems[3] = { name: "rag", kind: "rag", params: { retriever: "dense", embeddingRun: "@nobody" } };
    }),
    /systems\[3\]\.params\.embeddingRun: "@nobody" names no other system of this study/,
  ],
  [
    "run reference to a swept system",
    variant((s) => {
      s.systems[0] = { name: "ft", kind: "finetune", sweep: { grid: { dropout: [0.1, 0.2] } } };
      s.systems[3] = { name: "rag", kind: "rag", params: { retriever: "dense", embeddingRun: "@ft" } };
    }),
    /systems\[3\]\.params\.embeddingRun: "@ft" must name a system without a sweep/,
  ],
  [
    "split column that does not exist",
    variant((s) => {
      s.split = { strategy: "group", by: "colour" };
    }),
    /split\.by: dataset spam-assassin has no column "colour"/,
  ],
];

describe("malformed study files are rejected before anything runs", () => {
  for (const [name, study, message] of cases) {
    test(name, async () => {
      const path = join(work.path, `${name.replace(/\W+/g, "-")}.json`);
      const store = join(work.path, `store-${name.replace(/\W+/g, "-")}`);
      writeFileSync(path, JSON.stringify(study, null, 2));
      const result = await runCli(["run", path, "--store", store]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.equal(existsSync(join(store, "runs")), false, "nothing may run or be stored");
    });
  }

  test("a system whose referenced system is not run names the system to add, and runs nothing", async () => {
    const store = join(work.path, "store-linked");
    const result = await runCli([
      "run",
      "experiments/spam-ft-vs-rag.json",
      "--only",
      "rag-dense-finetuned",
      "--seeds",
      "1",
      "--store",
      store,
      "--no-report",
    ]);
    assert.notEqual(result.code, 0);
    assert.match(
      result.stdout + result.stderr,
      /rag-dense-finetuned.*needs the finished run of system "finetune-glove" for seed 1/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  test("invalid JSON names the line", async () => {
    const path = join(work.path, "broken.json");
    writeFileSync(path, '{\n  "name": "x",\n  "seeds": [1,,2]\n}\n');
    const result = await runCli(["run", path, "--store", join(work.path, "store-broken")]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not valid JSON at line 3/);
  });

  test("a missing study file says where the shipped studies are", async () => {
    const result = await runCli(["run", join(work.path, "nope.json")]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not found; the shipped studies are in experiments\//);
  });

  test("every shipped study validates", async () => {
    const { loadStudy } = await import("../../src/index.js");
    for (const name of [
      "spam-ft-vs-rag",
      "sotu-year",
      "spam-freshness",
      "spam-learning-curve",
      "spam-sweep",
      "spam-feedback",
    ]) {
      const loaded = await loadStudy(new URL(`../../experiments/${name}.json`, import.meta.url).pathname);
      assert.equal(loaded.study.name, name);
    }
  });
});
