import assert from "node:assert/strict";
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { tempDir } from "../helpers/cli.js";

// expbook as a researcher gets it: `npm pack`, then a plain `npm install <tarball>` in a new project
// (no overrides, no --ignore-scripts; the npm cache that installed this checkout serves every package),
// then the CLI from the project and one of its sub-folders, and a tslab notebook in it.
const repo = new URL("../../", import.meta.url).pathname;
const work = tempDir("expbook-package-");
const project = join(work.path, "thesis");
const installed = join(project, "node_modules", "expbook");
after(work.cleanup);

const MINUTE = 60_000;

/** The environment of a user's shell: none of ours or of the npm run that started these tests. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const npmRun = key.startsWith("npm_") && key !== "npm_config_cache" && key !== "npm_config_registry";
    if (!npmRun && !key.startsWith("EXPBOOK_") && key !== "INIT_CWD") env[key] = value;
  }
  return env;
}

function run(command: string, args: string[], cwd: string, timeout: number): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: userEnv(), encoding: "utf8", timeout });
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(" ")} (in ${cwd}) failed${result.signal ? ` with ${result.signal}` : ""}:\n${result.stderr.slice(-3000)}`,
  );
  return result;
}

function expbook(args: string[], cwd = project, timeout = 10 * MINUTE): SpawnSyncReturns<string> {
  return run("npx", ["--no-install", "expbook", ...args], cwd, timeout);
}

/** Every file under `dir` with its size and modification time, to see whether anything was written. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stats = statSync(full);
        files.set(relative(dir, full), `${stats.size}:${stats.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return files;
}

interface NotebookOutput {
  output_type: string;
  data?: Record<string, string | string[]>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source, i) => ({
      cell_type: "code",
      execution_count: null,
      id: `cell-${i}`,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

let packedFiles: string[] = [];
let before_: Map<string, string>;

describe("expbook installs into a researcher's own project", { timeout: 40 * MINUTE }, () => {
  before(() => {
    const pack = run("npm", ["pack", "--json", "--pack-destination", work.path], repo, 10 * MINUTE);
    const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as {
      filename: string;
      files: { path: string }[];
    }[];
    assert.ok(packed);
    packedFiles = packed.files.map((file) => file.path);
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      `${JSON.stringify({ name: "thesis", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
    );
    run(
      "npm",
      ["install", join(work.path, packed.filename), "--no-audit", "--no-fund", "--prefer-offline"],
      project,
      20 * MINUTE,
    );
    before_ = snapshot(installed);
  });

  test("the tarball holds the compiled library, the CLI and what its install script runs", () => {
    for (const path of [
      "bin/expbook.js",
      "dist/index.js",
      "dist/tracker/index.d.ts",
      "scripts/postinstall.mjs",
    ])
      assert.ok(packedFiles.includes(path), `${path} is not in the tarball`);
    assert.ok(!packedFiles.some((path) => path.startsWith("src/") || path.startsWith("tests/")));
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    assert.match(manifest.scripts.postinstall ?? "", /scripts\/postinstall\.mjs/);
    // What npm runs after installing the package (newer npm asks the user to allow it first).
    run(process.execPath, ["scripts/postinstall.mjs"], installed, MINUTE);
  });

  test("danfojs and the tfjs-node binding stay out; no package comes from outside the registry", () => {
    assert.ok(!existsSync(join(project, "node_modules", "danfojs")));
    assert.ok(!existsSync(join(project, "node_modules", "@tensorflow", "tfjs-node")));
    assert.ok(!existsSync(join(project, "node_modules", "xlsx")));
    const lock = readFileSync(join(project, "package-lock.json"), "utf8");
    const resolved = [...lock.matchAll(/"resolved": "([^"]+)"/g)].map((match) => match[1] ?? "");
    const foreign = resolved.filter(
      (url) => !url.startsWith("https://registry.npmjs.org/") && !url.startsWith("file:"),
    );
    assert.deepEqual(foreign, []);
  });

  test("pg-boss, an optional peer, stays out; distributed commands say how to add it in one line", () => {
    assert.ok(!existsSync(join(project, "node_modules", "pg-boss")));
    const worker = spawnSync(
      "npx",
      ["--no-install", "expbook", "worker", "--queue", "postgres://postgres@127.0.0.1:1/nowhere"],
      { cwd: project, env: userEnv(), encoding: "utf8", timeout: 2 * MINUTE },
    );
    assert.equal(worker.status, 2, worker.stderr);
    assert.match(worker.stderr.trim(), /^expbook: [^\n]*pg-boss[^\n]*`npm install pg-boss`[^\n]*$/);
  });

  test("imports load what they need: neither the root nor expbook/tracker loads TensorFlow.js", () => {
    const script = `
      import { createRequire } from "node:module";
      const tracker = await import("expbook/tracker");
      const root = await import("expbook");
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((p) => /tfjs|danfojs/.test(p));
      let frameError = "";
      try { await root.toDataFrame([]); } catch (error) { frameError = error.name + ": " + error.message; }
      console.log(JSON.stringify({ tracker: typeof tracker.openTracker, root: typeof root.fitSystem, loaded, frameError }));`;
    const result = run(process.execPath, ["--input-type=module", "-e", script], project, 2 * MINUTE);
    const seen = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(seen.tracker, "function");
    assert.equal(seen.root, "function");
    assert.deepEqual(seen.loaded, []);
    assert.match(String(seen.frameError), /^DependencyError: toDataFrame needs .*npm install danfojs/);
  });

  test("npx expbook datasets, fit, run, report work in the project", () => {
    const datasets = JSON.parse(expbook(["datasets", "--json"]).stdout) as { name: string }[];
    assert.ok(datasets.some((dataset) => dataset.name === "spam-assassin"));

    const fit = JSON.parse(
      expbook(["fit", "tfidf-logreg", "--dataset", "spam-assassin", "--json"]).stdout,
    ) as {
      runId: string;
      status: string;
      summary: { test_f1: number };
    };
    assert.equal(fit.status, "finished");
    assert.ok(fit.summary.test_f1 > 0.9);

    // From a sub-folder: the store is found at the project root, and the run repeats exactly.
    const sub = join(project, "analysis", "week-1");
    mkdirSync(sub, { recursive: true });
    const rerun = expbook(["rerun", fit.runId], sub);
    assert.match(rerun.stdout, /identical metrics/);
    assert.ok(!existsSync(join(sub, ".expbook")));

    const study = join("node_modules", "expbook", "experiments", "spam-ft-vs-rag.json");
    expbook(["run", study, "--quick", "--only", "tfidf-logreg,majority", "--workers", "1", "--no-report"]);
    const report = JSON.parse(expbook(["report", study, "--json"]).stdout) as { html: string; plots: number };
    assert.ok(report.html.startsWith(project), report.html);
    assert.ok(statSync(report.html).size > 100_000);

    const runs = JSON.parse(expbook(["ls", "--json"], sub).stdout) as { experiment: string }[];
    assert.ok(runs.filter((entry) => entry.experiment === "spam-ft-vs-rag").length >= 2);
    assert.ok(existsSync(join(project, ".cache", "expbook")), "caches go to <project>/.cache/expbook");
  });

  test("a tslab notebook in the project imports expbook/tracker and expbook, logs a run, shows a figure and a table", () => {
    const notebooks = join(project, "notebooks");
    mkdirSync(notebooks, { recursive: true });
    writeFileSync(
      join(notebooks, "first.ipynb"),
      notebook([
        `import { openTracker } from "expbook/tracker";
import { lossCurvesFigure, showFigure, showRuns } from "expbook";
const tracker = await openTracker();
console.log(\`store: \${tracker.dir}\`);`,
        `const run = await tracker.startRun({ experiment: "notebook", name: "first", params: { lr: 0.1 }, seed: 1 });
for (let step = 0; step < 5; step++) run.logMany({ loss: 1 / (step + 1), val_loss: 1.2 / (step + 1) }, step);
run.summary({ val_acc: 0.9 });
await run.finish();
console.log(\`logged \${run.id}\`);`,
        `const logged = await tracker.run(run.id);
await showFigure(lossCurvesFigure([{ label: logged.name, system: "logreg", loss: logged.series.loss ?? [], valLoss: logged.series.val_loss ?? [] }]));`,
        `await showRuns(await tracker.runs({ experiment: "notebook" }));`,
      ]),
    );
    run(
      "jupyter",
      [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=600",
        "--ExecutePreprocessor.kernel_name=tslab",
        "--output",
        "first.out.ipynb",
        "first.ipynb",
      ],
      notebooks,
      15 * MINUTE,
    );
    const executed = JSON.parse(readFileSync(join(notebooks, "first.out.ipynb"), "utf8")) as {
      cells: { outputs: NotebookOutput[] }[];
    };
    const outputs = executed.cells.flatMap((cell) => cell.outputs);
    const error = outputs.find((output) => output.output_type === "error");
    assert.equal(error, undefined, `${error?.ename}: ${error?.evalue}`);
    const text = (value: string | string[] | undefined): string =>
      Array.isArray(value) ? value.join("") : (value ?? "");
    const printed = outputs.map((output) => text(output.text)).join("");
    assert.ok(printed.includes(`store: ${join(project, ".expbook")}`), printed);
    const shown = outputs.map((output) =>
      Object.entries(output.data ?? {})
        .map(([type, value]) => `${type}\n${text(value)}`)
        .join("\n"),
    );
    assert.ok(
      shown.some((data) => data.includes("plotly")),
      "no output draws a plotly figure",
    );
    assert.ok(
      shown.some((data) => data.includes("<table")),
      "no output shows a table",
    );

    const runs = JSON.parse(expbook(["ls", "--json", "--experiment", "notebook"]).stdout) as {
      name: string;
    }[];
    assert.deepEqual(
      runs.map((entry) => entry.name),
      ["first"],
    );
  });

  test("nothing was written under node_modules/expbook", () => {
    const now = snapshot(installed);
    const changed = [...new Set([...before_.keys(), ...now.keys()])].filter(
      (path) => before_.get(path) !== now.get(path),
    );
    assert.deepEqual(changed, []);
  });
});
