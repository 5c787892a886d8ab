import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir();
after(work.cleanup);

function readDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), "utf8")]),
  );
}

describe("expbook split", () => {
  test("the same seed gives byte-identical directories; another seed another split", async () => {
    const [a, b, c] = ["A", "B", "C"].map((name) => join(work.path, name)) as [string, string, string];
    for (const [dir, seed] of [
      [a, "7"],
      [b, "7"],
      [c, "8"],
    ] as const) {
      const result = await runCli([
        "split",
        "spam-assassin",
        "--strategy",
        "stratified",
        "--seed",
        seed,
        "--out",
        dir,
      ]);
      assert.equal(result.code, 0, result.stderr);
    }
    assert.deepEqual(readDir(a), readDir(b));
    assert.deepEqual(Object.keys(readDir(a)), ["split.json", "test.jsonl", "train.jsonl", "val.jsonl"]);
    assert.notEqual(readDir(a)["test.jsonl"], readDir(c)["test.jsonl"]);
    const info = JSON.parse(readDir(a)["split.json"] ?? "{}");
    assert.equal(info.strategy, "stratified");
    assert.equal(info.seed, 7);
    const firstLine = JSON.parse((readDir(a)["train.jsonl"] ?? "").split("\n")[0] ?? "{}");
    assert.ok(
      typeof firstLine.id === "string" &&
        typeof firstLine.text === "string" &&
        typeof firstLine.label === "string",
    );
  });

  test("--json prints only JSON with sizes and fingerprints", async () => {
    const result = await runCli([
      "split",
      "sotu",
      "--strategy",
      "group",
      "--by",
      "president",
      "--out",
      join(work.path, "G"),
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const info = JSON.parse(result.stdout);
    assert.equal(info.sizes.train + info.sizes.val + info.sizes.test, 233);
    assert.match(info.fingerprints.split, /^[0-9a-f]{64}$/);
  });

  test("datasets --json lists the built-ins", async () => {
    const result = await runCli(["datasets", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const names = JSON.parse(result.stdout).map((d: { name: string }) => d.name);
    assert.deepEqual(names, ["spam-assassin", "sotu", "cps-wages-1985"]);
  });

  test("a user CSV splits with --text and --label", async () => {
    const csv = join(work.path, "mini.csv");
    const lines = ["id,body,tag"];
    for (let i = 0; i < 40; i++)
      lines.push(`r${i},"text number ${i}, with a comma",${i % 2 === 0 ? "even" : "odd"}`);
    writeFileSync(csv, `${lines.join("\n")}\n`);
    const out = join(work.path, "mini");
    const result = await runCli(["split", csv, "--text", "body", "--label", "tag", "--out", out, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).classCounts.test, { even: 3, odd: 3 });
  });

  const badInputs: Array<[string, string[], RegExp, (dir: string) => void]> = [
    ["unknown dataset", ["split", "nope"], /unknown dataset "nope"/, () => {}],
    ["missing file", ["split", "missing/file.csv", "--text", "t", "--label", "l"], /not found/, () => {}],
    [
      "CSV without the target column",
      ["split", "FILE", "--text", "text", "--target", "price"],
      /no target column "price"/,
      (dir) => writeFileSync(join(dir, "in.csv"), "text,label\na,b\nc,d\ne,f\n"),
    ],
    [
      "empty file",
      ["split", "FILE", "--text", "text", "--label", "label"],
      /is empty/,
      (dir) => writeFileSync(join(dir, "in.csv"), ""),
    ],
    ["fractions that do not sum to 1", ["split", "spam-assassin", "--train", "0.8"], /sum to 1\.1/, () => {}],
    [
      "a class with fewer rows than splits",
      ["split", "FILE", "--text", "text", "--label", "label"],
      /class "rare" has 1 row/,
      (dir) => writeFileSync(join(dir, "in.csv"), "text,label\na,x\nb,x\nc,x\nd,x\ne,rare\n"),
    ],
  ];
  for (const [name, args, message, prepare] of badInputs) {
    test(`bad input: ${name} exits non-zero with one line and writes nothing`, async () => {
      const dir = tempDir();
      try {
        prepare(dir.path);
        const out = join(dir.path, "out");
        const argv = args.map((arg) => (arg === "FILE" ? join(dir.path, "in.csv") : arg));
        const result = await runCli([...argv, "--out", out]);
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
        assert.equal(result.stdout, "");
        assert.equal(existsSync(out), false);
      } finally {
        dir.cleanup();
      }
    });
  }
});
