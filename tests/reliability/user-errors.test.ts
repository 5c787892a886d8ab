// Case 7 of issue 13: user mistakes print one line (no stack, exit 2), and `ls | head -1` is quiet.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openTracker } from "../../src/tracker/index.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { writeMiniStudy } from "./fixtures/mini-study.js";

const work = tempDir("expbook-user-errors-");
after(work.cleanup);
const store = join(work.path, "store");
const bin = new URL("../../bin/expbook.js", import.meta.url).pathname;
let csv = "";
let modelRun = "";

function assertOneLine(result: { code: number | null; stderr: string }, message: RegExp, what: string): void {
  assert.equal(result.code, 2, `${what}: ${result.stderr}`);
  assert.match(result.stderr, /^expbook: [^\n]*\n$/, `${what}: one line, no stack`);
  assert.doesNotMatch(result.stderr, /internal error| {4}at /, what);
  assert.match(result.stderr, message, what);
}

before(async () => {
  writeMiniStudy(work.path, "errors", [1]);
  csv = join(work.path, "mini.csv");
  const tracker = await openTracker({ dir: store });
  for (let i = 0; i < 800; i++) {
    const run = await tracker.startRun({ experiment: "many", name: `run-${i}`, params: { i } });
    run.summary({ score: i });
    await run.finish();
  }
  const fit = await runCli([
    "fit",
    "finetune",
    "--dataset",
    csv,
    "--text",
    "text",
    "--label",
    "label",
    "--set",
    "epochs=1",
    "--store",
    store,
    "--json",
  ]);
  assert.equal(fit.code, 0, fit.stderr);
  modelRun = (JSON.parse(fit.stdout) as { runId: string }).runId;
});

test("ls | head -1 through a real pipe exits 0 with nothing on stderr", async () => {
  const errors = join(work.path, "ls-stderr.txt");
  // More than a pipe buffer (64 KB) of listing, so head closes the pipe while ls still writes.
  const script = `"${process.execPath}" "${bin}" ls --store "${store}" 2>"${errors}" | head -1; echo "\${PIPESTATUS[0]}"`;
  const output = await new Promise<string>((resolve) => {
    const shell = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    shell.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    shell.on("close", () => resolve(out));
  });
  const [first, status] = output.trim().split("\n");
  assert.match(first ?? "", /^ID\s+EXPERIMENT/);
  assert.equal(status, "0", "expbook's own exit status in the pipe");
  assert.equal(readFileSync(errors, "utf8"), "");
});

test("wrong --out paths, a damaged saved model, a bad index line, a deep query and huge --resamples are one-line errors", async () => {
  const input = join(work.path, "in.jsonl");
  writeFileSync(input, `${JSON.stringify({ text: "alpha beta good" })}\n`);
  const folder = join(work.path, "a-folder");
  mkdirSync(folder);
  assertOneLine(
    await runCli(["predict", modelRun, "--input", input, "--out", folder, "--store", store]),
    /cannot write --out .*a-folder \(EISDIR\)/,
    "predict --out DIR",
  );
  assertOneLine(
    await runCli([
      "export",
      "--format",
      "csv",
      "--out",
      join(work.path, "missing", "x.csv"),
      "--store",
      store,
    ]),
    /cannot write --out .*missing\/x\.csv \(ENOENT\)/,
    "export --out missing/x.csv",
  );
  const file = join(work.path, "a-file");
  writeFileSync(file, "mine");
  assertOneLine(
    await runCli(["split", csv, "--text", "text", "--label", "label", "--out", file]),
    /--out .*a-file is a file/,
    "split --out FILE",
  );
  assert.equal(readFileSync(file, "utf8"), "mine");

  const artifacts = join(store, "runs", modelRun, "artifacts");
  const weights = join(artifacts, "weights.delta.gz");
  const saved = readFileSync(weights);
  rmSync(weights);
  assertOneLine(
    await runCli(["predict", modelRun, "--input", input, "--store", store]),
    /its saved model cannot be read/,
    "deleted weights.delta.gz",
  );
  writeFileSync(weights, saved);
  const modelJson = join(artifacts, "model.json");
  const text = readFileSync(modelJson, "utf8");
  writeFileSync(modelJson, text.slice(0, Math.floor(text.length / 2)));
  assertOneLine(
    await runCli(["predict", modelRun, "--input", input, "--store", store]),
    /its saved model cannot be read/,
    "truncated model.json",
  );
  writeFileSync(modelJson, text);

  appendFileSync(
    join(store, "index.jsonl"),
    `${JSON.stringify({ id: modelRun, key: "1:2:3", record: null })}\n`,
  );
  const listed = await runCli(["ls", "--store", store, "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 801);

  const deep = `${"(".repeat(20_000)}status = "finished"${")".repeat(20_000)}`;
  assertOneLine(
    await runCli(["ls", "--where", deep, "--store", store]),
    /nests deeper than 64 levels/,
    "deep query",
  );
  assertOneLine(
    await runCli(["ls", "--where", Array(5_000).fill("tags.x").join(" and "), "--store", store]),
    /more than 1000 conditions/,
    "long query",
  );

  const predictions = join(work.path, "pred.csv");
  writeFileSync(predictions, "y_true,y_pred\na,a\nb,a\n");
  assertOneLine(
    await runCli(["eval", predictions, "--task", "classification", "--resamples", "1e12"]),
    /--resamples must be from 1 to 100000/,
    "eval --resamples 1e12",
  );
  truncateSync(predictions, 0);
});
