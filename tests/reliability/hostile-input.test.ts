// Cases 3, 6 and 8 of issue 13: values the reader would reject are refused when written; hostile
// names stay data (no prototype pollution, no CSV formulas, no raw control characters); dropped eval
// rows are announced; a read-only store says so; a SIGKILLed run's latest values match its metrics.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import Papa from "papaparse";
import { parseSetFlags } from "../../src/cli/set-flags.js";
import { type MimeBundle, showFor } from "../../src/report/index.js";
import { openTracker } from "../../src/tracker/index.js";
import { InputError } from "../../src/util/errors.js";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-hostile-");
// Control characters other than newline and tab, as a terminal would act on them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
after(work.cleanup);

test("summary values the reader would call damaged are refused at write time, naming the key", async () => {
  const tracker = await openTracker({ dir: join(work.path, "summary") });
  const run = await tracker.startRun({ experiment: "summary" });
  assert.throws(
    () => run.summary({ cm: { tp: 1 } } as unknown as Record<string, number>),
    (error: unknown) =>
      error instanceof InputError && /"cm" must be a number, string or boolean/.test(error.message),
  );
  assert.throws(() => run.summary({ list: [1, 2] } as unknown as Record<string, number>), /"list"/);
  // An own "__proto__" key, as JSON.parse makes it. (In an object literal, `__proto__: 1` sets the
  // prototype, is ignored for a number and leaves no key: the summary would never hold one.)
  const hostile = JSON.parse('{"f1":0.5,"__proto__":1,"constructor":"x"}') as Record<string, number | string>;
  run.summary(hostile);
  await run.finish();
  const expected = { f1: 0.5, ["__proto__"]: 1, constructor: "x" };
  const summaryOf = (text: string, at = (value: unknown) => value): Record<string, unknown> =>
    (at(JSON.parse(text)) as { summary: Record<string, unknown> }).summary;
  const checkShowAndLs = async () => {
    const show = await runCli(["show", run.id, "--store", tracker.uri, "--json"]);
    assert.equal(show.code, 0, show.stderr);
    assert.equal((JSON.parse(show.stdout) as { status: string }).status, "finished");
    assert.deepEqual(summaryOf(show.stdout), expected);
    const listed = await runCli(["ls", "--store", tracker.uri, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      summaryOf(listed.stdout, (runs) => (runs as unknown[])[0]),
      expected,
    );
    const table = await runCli(["ls", "--store", tracker.uri]);
    assert.match(table.stdout, /f1=0\.5 __proto__=1 constructor=x/);
    const query = await runCli(["ls", "--store", tracker.uri, "--where", "summary.__proto__ = 1", "--json"]);
    assert.equal((JSON.parse(query.stdout) as unknown[]).length, 1, query.stderr);
  };
  await checkShowAndLs();
  // From the rebuilt index too.
  const rebuilt = await runCli(["gc", "--yes", "--store", tracker.uri]);
  assert.equal(rebuilt.code, 0, rebuilt.stderr);
  await checkShowAndLs();
  const exported = await runCli(["export", "--format", "csv", "--store", tracker.uri]);
  const [row] = Papa.parse<Record<string, string>>(exported.stdout, { header: true }).data;
  assert.equal(row?.["summary.__proto__"], "1", exported.stdout);
  // Reports: the notebook's runs table and a comparison on the "__proto__" metric.
  const published: MimeBundle[] = [];
  const show = showFor(tracker, {
    publisher: { publish: (bundle) => published.push(bundle), plotlySent: true },
  });
  await show.runs({ experiment: "summary" });
  await show.compare([run.id], "__proto__");
  const [runsText, compareText] = published.map((bundle) => bundle["text/plain"]);
  assert.match(runsText ?? "", /__proto__/);
  assert.match(compareText ?? "", /__proto__ \(mean \[95% CI\]\)/);
  // The row of the one system: its mean 1 over 1 run, and it is the best.
  assert.match(compareText ?? "", /\n\S+ +1 +1 +best/, compareText);
});

test("--set refuses __proto__, constructor and prototype keys and pollutes nothing", () => {
  for (const pair of [
    "__proto__.polluted=1",
    "a.constructor.prototype.polluted=1",
    "prototype=1",
    "a..b=1",
  ]) {
    assert.throws(() => parseSetFlags([pair]), InputError, pair);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(parseSetFlags(["opt.lr=0.1", "opt.beta=0.9"]), { opt: { lr: 0.1, beta: 0.9 } });
});

test("export --format csv prefixes every formula-like cell with ' (and --no-escape-formulas keeps them)", async () => {
  const store = join(work.path, "export");
  const tracker = await openTracker({ dir: store });
  const hostile = ["=cmd|' /C calc'!A0", "@SUM(A1:A9)", "+1+cmd", "-2+3", "\tTAB", "\rCR", "=x\ny"];
  for (const name of hostile) {
    const run = await tracker.startRun({ experiment: "export", name, tags: { note: name } });
    run.summary({ score: -1, label: name });
    await run.finish();
  }
  const result = await runCli(["export", "--format", "csv", "--store", store]);
  assert.equal(result.code, 0, result.stderr);
  const rows = Papa.parse<Record<string, string>>(result.stdout, { header: true, skipEmptyLines: true }).data;
  assert.equal(rows.length, hostile.length);
  for (const row of rows) {
    for (const [column, cell] of Object.entries(row)) {
      if (column === "summary.score") continue; // a number, not a text cell
      assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `${column}: ${JSON.stringify(cell)}`);
    }
    assert.ok(hostile.includes((row.name ?? "").slice(1)), row.name);
    assert.equal(row["summary.score"], "-1", "numbers are not text cells");
  }
  const raw = await runCli(["export", "--format", "csv", "--no-escape-formulas", "--store", store]);
  const names = Papa.parse<Record<string, string>>(raw.stdout, {
    header: true,
    skipEmptyLines: true,
  }).data.map((row) => row.name);
  assert.deepEqual([...names].sort(), [...hostile].sort());
});

test("control characters from CSV headers and labels reach the terminal escaped", async () => {
  const dir = join(work.path, "control");
  mkdirSync(dir);
  const csv = join(dir, "evil.csv");
  writeFileSync(csv, 'te\u001b]0;owned\u0007xt,label\n"a b",\u001b[2Jx\n"c d",y\n"e f",x\n"g h",y\n');
  const split = await runCli(["split", csv, "--text", "text", "--label", "label", "--out", join(dir, "out")]);
  assert.doesNotMatch(split.stdout + split.stderr, RAW_CONTROL);
  assert.match(split.stderr, /\\u001b/);
  const predictions = join(dir, "pred.csv");
  writeFileSync(predictions, "y_true,y_pred\n\u001b[2Jspam,ham\nham,ham\nspam,spam\n");
  const scored = await runCli(["eval", predictions, "--task", "classification"]);
  assert.equal(scored.code, 0, scored.stderr);
  assert.doesNotMatch(scored.stdout + scored.stderr, RAW_CONTROL);
});

test('an eval row that is just "," is dropped with a warning; --strict makes it an error', async () => {
  const predictions = join(work.path, "blank-row.csv");
  writeFileSync(predictions, "y_true,y_pred\nspam,spam\n,\nham,spam\nham,ham\n");
  const warned = await runCli(["eval", predictions, "--task", "classification", "--json"]);
  assert.equal(warned.code, 0, warned.stderr);
  assert.match(warned.stderr, /warning: predictions file .*dropped 1 row\(s\) with no values \(row\(s\) 2\)/);
  assert.equal((JSON.parse(warned.stdout) as { n?: number; rows?: number }).n ?? 3, 3);
  const strict = await runCli(["eval", predictions, "--task", "classification", "--strict"]);
  assert.equal(strict.code, 2);
  assert.match(
    strict.stderr,
    /^expbook: predictions file .*row\(s\) 2 hold no values; remove them or drop --strict\n$/,
  );
});

test("a read-only store: fit and gc --yes say so in one line and write nothing", async (t) => {
  const store = join(work.path, "readonly");
  const tracker = await openTracker({ dir: store });
  const run = await tracker.startRun({ experiment: "ro" });
  await run.finish();
  const view = join(work.path, "readonly-view");
  mkdirSync(view);
  // A read-only bind mount where mounting is allowed (root), else a folder without write permission.
  const mounted =
    spawnSync("mount", ["--bind", store, view]).status === 0 &&
    spawnSync("mount", ["-o", "remount,bind,ro", view]).status === 0;
  const target = mounted ? view : store;
  if (!mounted) {
    chmodSync(join(store, "runs"), 0o555);
    chmodSync(store, 0o555);
  }
  t.after(() => {
    if (mounted) spawnSync("umount", [view]);
    else {
      chmodSync(store, 0o755);
      chmodSync(join(store, "runs"), 0o755);
    }
  });
  const before = readdirSync(join(store, "runs"));
  const csv = join(work.path, "ro.csv");
  writeFileSync(
    csv,
    `text,label\n${Array.from({ length: 40 }, (_, i) => `row ${i},${i % 2 ? "x" : "y"}`).join("\n")}\n`,
  );
  const fit = await runCli([
    "fit",
    "majority",
    "--dataset",
    csv,
    "--text",
    "text",
    "--label",
    "label",
    "--store",
    target,
  ]);
  assert.equal(fit.code, 2, fit.stderr);
  assert.match(
    fit.stderr,
    /^expbook: cannot write a new run into .*: (EROFS, the file system is read-only|EACCES, permission denied)/,
  );
  const gc = await runCli(["gc", "--yes", "--store", target]);
  assert.equal(gc.code, 2, gc.stderr);
  assert.match(gc.stderr, /^expbook: cannot write the store .*: (EROFS|EACCES)/);
  assert.doesNotMatch(gc.stderr, /index rebuilt/);
  assert.deepEqual(readdirSync(join(store, "runs")), before);
});

test("after a SIGKILL, a crashed run's latest values come from its metrics file", async () => {
  const store = join(work.path, "killed");
  const script = new URL("./fixtures/stale-latest-logger.ts", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--import", "tsx", script, store], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let said = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes("logged")) resolve();
    });
    child.once("exit", () => reject(new Error(`the logger exited early: ${said}`)));
  });
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  const matched = await runCli(["ls", "--store", store, "--where", "metrics.x >= 19999", "--json"]);
  assert.equal(matched.code, 0, matched.stderr);
  const [run] = JSON.parse(matched.stdout) as { status: string; latest: Record<string, number> }[];
  assert.equal(run?.status, "crashed", (await runCli(["ls", "--store", store, "--json"])).stdout);
  assert.equal(run?.latest.x, 19999);
});
