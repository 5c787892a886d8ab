import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

// A researcher's own project: a package with expbook, zod and tfjs installed, a system module in
// systems/ and a study file naming it.
const work = tempDir("expbook-module-");
after(work.cleanup);
const repo = new URL("../../", import.meta.url).pathname;
const project = work.path;
mkdirSync(join(project, "node_modules"));
symlinkSync(repo, join(project, "node_modules", "expbook"));
symlinkSync(join(repo, "node_modules", "zod"), join(project, "node_modules", "zod"));
symlinkSync(join(repo, "node_modules", "@tensorflow"), join(project, "node_modules", "@tensorflow"));
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-research", type: "module" }));
mkdirSync(join(project, "systems"));
const modulePath = join(project, "systems", "bow-mlp.js");
// The module is notebook 07's own, copied as a user would have it.
copyFileSync(new URL("../../notebooks/systems/bow-mlp.js", import.meta.url), modulePath);
const store = join(project, "store");

const study = (systems: unknown[]) => ({
  name: "own-model",
  question: "Does my own tfjs model beat the built-in baselines?",
  dataset: { name: "spam-assassin" },
  split: { strategy: "stratified" },
  seeds: [1, 2, 3],
  systems,
});
const studyPath = join(project, "experiments", "own-model.json");
mkdirSync(join(project, "experiments"));
writeFileSync(
  studyPath,
  JSON.stringify(
    study([
      {
        name: "my-mlp",
        module: "../systems/bow-mlp.js",
        params: { hidden: 8, dims: 256, epochs: 2, minSteps: 0 },
      },
      { name: "tfidf-logreg", kind: "tfidf-logreg" },
      { name: "majority", kind: "majority" },
    ]),
  ),
);

interface ListedRun {
  id: string;
  name: string;
  status: string;
  tags?: Record<string, string | boolean>;
}

async function runs(storeDir: string): Promise<ListedRun[]> {
  const listed = await runCli(["ls", "--store", storeDir, "--json"], { cwd: project });
  if (listed.code !== 0) return [];
  return JSON.parse(listed.stdout) as ListedRun[];
}

describe("a study with a system from the user's own module", () => {
  test("runs 3 seeds with 2 workers next to the built-ins", async () => {
    const result = await runCli(
      ["run", studyPath, "--store", store, "--workers", "2", "--no-report", "--json"],
      { cwd: project },
    );
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout);
    assert.equal(outcome.ran, 9);
    assert.deepEqual(outcome.failed, []);
    const mine = (await runs(store)).filter((run) => run.tags?.system === "my-mlp");
    assert.equal(mine.length, 3);
    assert.ok(mine.every((run) => run.status === "finished" && run.tags?.kind === "bow-mlp"));
  });

  test("`expbook rerun` of one of its runs matches exactly", async () => {
    const run = (await runs(store)).find((candidate) => candidate.tags?.system === "my-mlp");
    assert.ok(run);
    const result = await runCli(["rerun", run.id, "--store", store, "--json"], { cwd: project });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.identical, true);
    assert.ok(report.metrics.some((metric: { name: string }) => metric.name === "test_f1"));
  });

  test("the report ranks it with CIs and Holm-corrected paired tests like the built-ins", async () => {
    const md = join(project, "report.md");
    const result = await runCli(
      ["report", studyPath, "--store", store, "--out", join(project, "report.html"), "--md", md],
      { cwd: project },
    );
    assert.equal(result.code, 0, result.stderr);
    const text = readFileSync(md, "utf8");
    assert.match(text, /my-mlp/);
    assert.match(text, /Holm/i);
    const row = text.split("\n").find((line) => line.startsWith("| my-mlp"));
    assert.ok(row, "my-mlp has a row in the summary table");
    assert.match(row, /\d\.\d+.*[[(]\s*\d\.\d+/, `a CI in ${row}`);
  });

  test("editing the module's source makes the next run re-fit it, and only it", async () => {
    writeFileSync(modulePath, `${readFileSync(modulePath, "utf8")}\n// edited\n`);
    const result = await runCli(
      ["run", studyPath, "--store", store, "--workers", "2", "--no-report", "--json"],
      { cwd: project },
    );
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout);
    assert.equal(outcome.ran, 3);
    assert.equal(outcome.reused, 6);
  });

  const fails = async (file: string, source: string | undefined, systems: unknown[], pattern: RegExp) => {
    const dir = join(project, file);
    mkdirSync(dir);
    if (source !== undefined) writeFileSync(join(dir, "system.js"), source);
    const path = join(dir, "study.json");
    writeFileSync(path, JSON.stringify(study(systems)));
    const failedStore = join(dir, "store");
    const result = await runCli(["run", path, "--store", failedStore, "--workers", "1", "--no-report"], {
      cwd: project,
    });
    assert.notEqual(result.code, 0);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? "", pattern);
    assert.equal((await runs(failedStore)).filter((run) => run.status === "finished").length, 0);
  };

  test("a module without a default export gives one clear line and no finished run", async () => {
    await fails(
      "no-default",
      "export const system = {};\n",
      [{ name: "mine", module: "./system.js" }],
      /systems\[0\]\.module: system module .*system\.js has no default export; end it with `export default defineSystem/,
    );
  });

  test("a module whose params fail its schema gives one clear line naming the JSON path", async () => {
    await fails(
      "bad-params",
      readFileSync(modulePath, "utf8"),
      [{ name: "mine", module: "./system.js", params: { hidden: 0 } }],
      /systems\[0\]\.params\.hidden: .*/,
    );
  });

  test("a study system with both kind and module is refused", async () => {
    await fails(
      "both",
      undefined,
      [{ name: "mine", kind: "majority", module: "./system.js" }],
      /systems\[0\]\.kind: give either "kind" .* or "module"/,
    );
  });
});
