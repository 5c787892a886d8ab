import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-check-study-");
after(work.cleanup);

const loadStudyModule = new URL("../../src/study/load-study.ts", import.meta.url).href;

/** Runs `body` (with `m` = the study loader) in a fresh process whose cache folder is `cache`; returns its stdout. */
function inFreshProcess(cache: string, body: string): string {
  const script = `const m = await import(${JSON.stringify(loadStudyModule)});\n${body}`;
  return execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { ...process.env, EXPBOOK_CACHE: cache },
    encoding: "utf8",
  });
}

function writeStudy(name: string, change: (study: Record<string, unknown>) => void = () => {}): string {
  const study: Record<string, unknown> = {
    name,
    question: "Is a built-in dataset's study checked before its rows load?",
    dataset: { name: "spam-assassin" },
    split: { strategy: "group", by: "collection" },
    slices: ["group"],
    seeds: [1],
    systems: [{ name: "majority", kind: "majority" }],
  };
  change(study);
  const path = join(work.path, `${name}.json`);
  writeFileSync(path, JSON.stringify(study));
  return path;
}

// A fresh cache folder shows whether the corpus was read: its first load writes the corpus cache file.
const corpusFiles = (cache: string) =>
  existsSync(join(cache, "datasets")) ? readdirSync(join(cache, "datasets")) : [];

test("a study of a built-in dataset is checked without loading its rows, which load after", () => {
  const cache = join(work.path, "cache-ok");
  const path = writeStudy("checked-first");
  const out = inFreshProcess(
    cache,
    `const checked = await m.checkStudyFile(${JSON.stringify(path)});
const { readdirSync, existsSync } = await import("node:fs");
const dir = ${JSON.stringify(join(cache, "datasets"))};
const before = existsSync(dir) ? readdirSync(dir).length : 0;
const loaded = await m.withStudyDataset(checked);
console.log(JSON.stringify({ before, dataset: checked.dataset === undefined, rows: loaded.dataset.rows.length, columns: loaded.dataset.metaColumns }));`,
  );
  assert.deepEqual(JSON.parse(out), {
    before: 0,
    dataset: true,
    rows: 6046,
    columns: ["group", "collection"],
  });
  assert.equal(corpusFiles(cache).length, 1, "loading the rows wrote the corpus cache");
});

test("a built-in dataset's bad columns and options fail the check, before any row is loaded", () => {
  const cases: Array<[string, (study: Record<string, unknown>) => void, RegExp]> = [
    [
      "bad-split",
      (s) => (s.split = { strategy: "group", by: "sender" }),
      /split\.by: dataset spam-assassin has no column "sender"; columns: group, collection/,
    ],
    ["bad-slice", (s) => (s.slices = ["year"]), /slices\[0\]: dataset spam-assassin has no column "year"/],
    [
      "bad-task",
      (s) => (s.dataset = { name: "spam-assassin", task: "regression" }),
      /dataset spam-assassin supports task classification, not regression/,
    ],
    [
      "bad-option",
      (s) => (s.dataset = { name: "spam-assassin", text: "body" }),
      /dataset spam-assassin is built in; .*text.* apply to CSV\/JSONL files only/,
    ],
  ];
  for (const [name, change, expected] of cases) {
    const cache = join(work.path, `cache-${name}`);
    const out = inFreshProcess(
      cache,
      `try { await m.checkStudyFile(${JSON.stringify(writeStudy(name, change))}); console.log("passed"); }
catch (error) { console.log(error.message); }`,
    );
    assert.match(out, expected, name);
    assert.deepEqual(corpusFiles(cache), [], `${name}: no row was loaded`);
  }
});

test("a positive label is checked against the rows, so that study loads them to check it", () => {
  const cache = join(work.path, "cache-label");
  const path = writeStudy("bad-label", (s) => (s.dataset = { name: "spam-assassin", positiveLabel: "eggs" }));
  const out = inFreshProcess(
    cache,
    `try { await m.checkStudyFile(${JSON.stringify(path)}); console.log("passed"); }
catch (error) { console.log(error.message); }`,
  );
  assert.match(out, /eggs/);
  assert.notEqual(out.trim(), "passed");
});
