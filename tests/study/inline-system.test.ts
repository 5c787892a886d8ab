import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  backendNames,
  defineSystem,
  fitSystem,
  loadDataset,
  loadSystemModule,
  makeSplit,
  openTracker,
  type SplitOptions,
} from "../../src/index.js";
import { z } from "zod";
import { runCli, tempDir } from "../helpers/cli.js";

// A researcher's project with expbook, zod and tfjs installed, fitting its own systems from the API.
const work = tempDir("expbook-inline-system-");
after(work.cleanup);
const repo = new URL("../../", import.meta.url).pathname;
const project = work.path;
mkdirSync(join(project, "node_modules"));
symlinkSync(repo, join(project, "node_modules", "expbook"));
symlinkSync(join(repo, "node_modules", "zod"), join(project, "node_modules", "zod"));
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-research", type: "module" }));
const store = join(project, "store");
const csv = join(project, "mail.csv");
writeFileSync(
  csv,
  [
    "id,text,label",
    ...Array.from({ length: 90 }, (_, i) => {
      const spam = i % 3 === 0;
      const words = spam ? "win money now free offer click" : "meeting notes for the project review";
      return `m${i},"${words} ${i % 7} item${i % 5}",${spam ? "spam" : "ham"}`;
    }),
  ].join("\n"),
);
mkdirSync(join(project, "systems"));
const constantSource = `
import { defineSystem } from "expbook";
import { z } from "zod";
export default defineSystem({
  kind: "constant",
  description: "predicts one class for every row",
  params: z.object({ label: z.string().default("ham") }).strict(),
  run: async (ctx) => ({
    valPredictions: ctx.val.map((row) => ({ id: row.id, label: ctx.params.label })),
    testPredictions: ctx.test.map((row) => ({ id: row.id, label: ctx.params.label })),
  }),
});
`;
writeFileSync(join(project, "systems", "constant.js"), constantSource);
// The notebook 07 system: a tfjs MLP that declares `tfjs: true` and trains to the finetune step floor.
const bowMlp = join(repo, "notebooks", "systems", "bow-mlp.js");

const inline = defineSystem({
  kind: "constant",
  description: "predicts one class for every row",
  params: z.object({ label: z.string().default("ham") }).strict(),
  run: async (ctx) => ({
    valPredictions: ctx.val.map((row) => ({ id: row.id, label: ctx.params.label })),
    testPredictions: ctx.test.map((row) => ({ id: row.id, label: ctx.params.label })),
  }),
});

async function fit(
  kind: Parameters<typeof fitSystem>[0]["kind"],
  extra: { labelled?: number; params?: Record<string, unknown> } = {},
) {
  const dataset = await loadDataset(csv, { text: "text", label: "label", positiveLabel: "spam" });
  const splitOptions: SplitOptions = { strategy: "stratified", seed: 2 };
  const tracker = await openTracker({ dir: store });
  try {
    const result = await fitSystem({
      kind,
      dataset,
      split: makeSplit(dataset, splitOptions),
      splitOptions,
      seed: 2,
      tracker,
      experiment: "own",
      ...extra,
    });
    return { result, run: await tracker.run(result.runId) };
  } finally {
    await tracker.close();
  }
}

describe("fitSystem with a user's own definition", () => {
  test("a run of an inline definition cannot be rerun: one line saying to put the system in a module", async () => {
    const { result } = await fit(inline);
    const rerun = await runCli(["rerun", result.runId, "--store", store], { cwd: project });
    assert.equal(rerun.code, 2, rerun.stdout + rerun.stderr);
    const lines = rerun.stderr.trim().split("\n");
    assert.equal(lines.length, 1, rerun.stderr);
    assert.match(
      lines[0] ?? "",
      new RegExp(
        `run ${result.runId} used system kind "constant", which is no built-in and was fitted without a module file .*put the system in a module .*loadSystemModule`,
      ),
    );
  });

  test("the same system passed as a loaded module records it and reruns exactly", async () => {
    const module = await loadSystemModule(join(project, "systems", "constant.js"));
    const { result, run } = await fit(module);
    assert.equal(run.params.module, join(project, "systems", "constant.js"));
    assert.equal(run.params.module_hash, module.hash);
    const rerun = await runCli(["rerun", result.runId, "--store", store, "--json"], { cwd: project });
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.equal(JSON.parse(rerun.stdout).identical, true);
  });

  test("a module whose tfjs flag is not a boolean is refused in one line", async () => {
    const path = join(project, "systems", "odd.js");
    writeFileSync(path, constantSource.replace('kind: "constant",', 'kind: "odd", tfjs: "yes",'));
    await assert.rejects(loadSystemModule(path), {
      name: "StudyError",
      message: `the default export of system module ${path} has a tfjs flag that is not true or false`,
    });
  });

  test("a system that declares tfjs records its backend and tfjs version; one that does not, none", async () => {
    const mlp = await fit(await loadSystemModule(bowMlp), { params: { epochs: 1, minSteps: 0 } });
    assert.ok(
      (backendNames as readonly string[]).includes(String(mlp.run.env.backend)),
      String(mlp.run.env.backend),
    );
    assert.match(String(mlp.run.env.tfjsVersion), /^\d+\.\d+\.\d+/);
    assert.equal(mlp.run.summary.backend, mlp.run.env.backend);
    assert.equal(mlp.run.summary.tfjs_version, mlp.run.env.tfjsVersion);
    assert.equal(mlp.result.backend, mlp.run.env.backend);
    const constant = await fit(inline);
    assert.equal(constant.run.env.backend, undefined);
    assert.equal(constant.run.summary.backend, undefined);
  });

  test("a module system that applies trainingBudget trains 8 labelled rows for minSteps steps, as finetune does", async () => {
    const module = await loadSystemModule(bowMlp);
    const floored = await fit(module, { labelled: 8, params: { epochs: 4 } });
    assert.equal(floored.run.summary.n_train, 8);
    assert.equal(floored.run.summary.batch_size, 2);
    assert.equal(floored.run.summary.epochs_planned, 25);
    assert.equal(floored.run.summary.steps, 100);
    const unfloored = await fit(module, { labelled: 8, params: { epochs: 4, minSteps: 0 } });
    assert.equal(unfloored.run.summary.steps, 16);
  });
});
