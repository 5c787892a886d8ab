import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";
import { experiments, writeSyntheticStudy } from "./synthetic-study.js";

const work = tempDir("expbook-report-cli-");
const store = join(work.path, "store");

before(async () => {
  await writeSyntheticStudy(store);
});
after(() => work.cleanup());

test("expbook report STUDY.json --json writes HTML and Markdown and prints their paths and plot count", async () => {
  const study = join(work.path, "study.json");
  writeFileSync(study, JSON.stringify({ name: experiments.main, dataset: "spam-assassin", systems: [] }));
  const out = join(work.path, "out", "report.html");
  const md = join(work.path, "out", "report.md");
  const result = await runCli(["report", study, "--store", store, "--out", out, "--md", md, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const printed = JSON.parse(result.stdout) as { html: string; md: string; plots: number; bytes: number };
  assert.equal(printed.html, out);
  assert.equal(printed.md, md);
  assert.equal(printed.plots, 6);
  assert.equal(printed.bytes, statSync(out).size);
  assert.match(readFileSync(out, "utf8"), /^<!doctype html>/);
  assert.match(readFileSync(md, "utf8"), /^# Study report: synthetic-spam/);
});

test("expbook report --experiment writes reports/<experiment>.html by default and prints the path", async () => {
  const result = await runCli(["report", "--experiment", experiments.main], {
    cwd: work.path,
    env: { EXPBOOK_STORE: store },
  });
  assert.equal(result.code, 0, result.stderr);
  const expected = join(work.path, "reports", `${experiments.main}.html`);
  assert.equal(result.stdout.trim(), expected);
  assert.ok(existsSync(expected));
});

test("expbook report without a study, or for an unknown experiment, exits 2 with one line saying what to do", async () => {
  const missing = await runCli(["report", "--store", store]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.trim(), "expbook: name a study file or pass --experiment NAME");
  const unknown = await runCli(["report", "--experiment", "nope", "--store", store, "--json"]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, "");
  assert.match(unknown.stderr, /^expbook: experiment "nope" has no runs in this store; run the study first/m);
});
