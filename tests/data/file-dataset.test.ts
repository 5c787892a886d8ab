import assert from "node:assert/strict";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  type DatasetNotice,
  DatasetError,
  loadDataset,
  projectRelativePath,
  resolveDatasetPath,
} from "../../src/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-file-dataset-");
after(work.cleanup);
let files = 0;

/** Writes a fresh file (a new path each time, so no test sees another's cached rows). */
function file(extension: string, content: string | Uint8Array): string {
  const path = join(work.path, `data-${++files}.${extension}`);
  writeFileSync(path, content);
  return path;
}

const lines = (...rows: string[]) => `${rows.join("\n")}\n`;

/** Loads with notices collected instead of printed. */
async function load(path: string, options: Parameters<typeof loadDataset>[1] = {}) {
  const notices: DatasetNotice[] = [];
  const dataset = await loadDataset(path, { ...options, onNotice: (notice) => notices.push(notice) });
  return { dataset, notices };
}

const rejectsWith = (pattern: RegExp) => (error: unknown) =>
  error instanceof DatasetError && pattern.test(error.message);

describe("CSV line ends and byte-order mark", () => {
  test("CRLF and a UTF-8 BOM give the same rows, columns and fingerprint as plain LF", async () => {
    const rows = ["id,text,label", "a,hello there,spam", 'b,"two\r\nlines",ham', "c,bye,ham"];
    const plain = await load(file("csv", lines(...rows).replace(/\r\n/g, "\n")), {
      text: "text",
      label: "label",
    });
    const windows = await load(file("csv", `\uFEFF${rows.join("\r\n")}\r\n`), {
      text: "text",
      label: "label",
    });
    assert.deepEqual(windows.dataset.labels, ["ham", "spam"]);
    assert.deepEqual(
      windows.dataset.rows.map((row) => row.id),
      ["a", "b", "c"],
    );
    assert.equal(windows.dataset.rows[1]?.text, "two\nlines");
    assert.equal(windows.dataset.fingerprint, plain.dataset.fingerprint);
    assert.deepEqual(windows.notices, []);
  });

  test("a BOM before a JSONL file's first object is ignored", async () => {
    const { dataset } = await load(file("jsonl", '\uFEFF{"t":"x","y":"a"}\r\n{"t":"z","y":"b"}\r\n'), {
      text: "t",
      label: "y",
    });
    assert.deepEqual(
      dataset.rows.map((row) => row.label),
      ["a", "b"],
    );
  });
});

describe("positive label", () => {
  const csv = lines("text,label", "a,yes", "b,no", "c,yes", "d,no");

  test("is kept on the dataset and recorded in its options", async () => {
    const { dataset } = await load(file("csv", csv), { text: "text", label: "label", positiveLabel: "yes" });
    assert.equal(dataset.positiveLabel, "yes");
    assert.equal(dataset.options?.positiveLabel, "yes");
  });

  test("must be one of two classes, and needs a label column; errors name API options", async () => {
    await assert.rejects(
      load(file("csv", csv), { text: "text", label: "label", positiveLabel: "maybe" }),
      rejectsWith(/\{ positiveLabel: "maybe" \} is not one of its classes: no, yes/),
    );
    await assert.rejects(
      load(file("csv", lines("text,label", "a,x", "b,y", "c,z")), {
        text: "text",
        label: "label",
        positiveLabel: "x",
      }),
      rejectsWith(/applies to two classes, and it has 3/),
    );
    await assert.rejects(
      load(file("csv", lines("text,y", "a,1", "b,2")), { text: "text", target: "y", positiveLabel: "1" }),
      rejectsWith(/\{ positiveLabel: "1" \} needs a class column \(\{ label: "col" \}\)/),
    );
  });
});

describe("feature columns default to the numeric ones", () => {
  test("every numeric column except the target and the id becomes a feature, and a note says so", async () => {
    const path = file(
      "csv",
      lines("id,a,b,name,when,y", "r1,1,2.5,x,2020-01,3", "r2,-4,1e3,y,2021-02,5", "r3,0,7,z,n/a,1"),
    );
    const { dataset, notices } = await load(path, { target: "y" });
    assert.deepEqual(dataset.featureNames, ["a", "b"]);
    assert.deepEqual(dataset.rows[1]?.features, { a: -4, b: 1000 });
    assert.deepEqual(dataset.metaColumns, ["name", "when"]);
    assert.deepEqual(dataset.options?.features, ["a", "b"]);
    assert.equal(notices.length, 1);
    assert.equal(notices[0]?.level, "note");
    assert.match(notices[0]?.message ?? "", /using the 2 numeric column\(s\) as features: a, b$/);
  });

  test("with no numeric column the error names { text } and { features }", async () => {
    await assert.rejects(
      load(file("csv", lines("t,label", "a,x", "b,y")), { label: "label" }),
      rejectsWith(/name the input with \{ text: "col" \} or \{ features: \["col", "col"\] \}/),
    );
  });
});

describe("API errors speak in API options, the CLI in flags", () => {
  test("a missing label or target names { label } and { target }, never a flag", async () => {
    const path = file("csv", lines("text,label", "a,x", "b,y"));
    await assert.rejects(load(path, { text: "text" }), (error: unknown) => {
      assert.ok(error instanceof DatasetError);
      assert.match(
        error.message,
        /\{ label: "col" \} \(classification\) or \{ target: "col" \} \(regression\)/,
      );
      assert.doesNotMatch(error.message, /--/);
      return true;
    });
  });

  test("the same mistake on the command line names --label and --target", async () => {
    const path = file("csv", lines("text,label", "a,x", "b,y", "c,x", "d,y"));
    const result = await runCli(["split", path, "--text", "text", "--out", join(work.path, "split-out")]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--label COL \(classification\) or --target COL \(regression\)/);
    assert.doesNotMatch(result.stderr, /\{ label/);
  });
});

describe("built-in datasets take only their own options", () => {
  test("file columns on a built-in are an error naming them; a positive label must fit its classes", async () => {
    await assert.rejects(
      loadDataset("sotu", { text: "speech", label: "party" }),
      rejectsWith(
        /dataset sotu is built in; \{ text: "col" \}, \{ label: "col" \} apply to CSV\/JSONL files only/,
      ),
    );
    await assert.rejects(
      loadDataset("sotu", { task: "classification", positiveLabel: "Whig" }),
      rejectsWith(/\{ positiveLabel: "Whig" \} applies to two classes, and it has 8: Democratic, /),
    );
  });
});

describe("loading warnings, and strict", () => {
  const cases: Array<{
    what: string;
    extension: string;
    content: string | Uint8Array;
    options: object;
    warning: RegExp;
  }> = [
    {
      what: "non-UTF-8 bytes",
      extension: "csv",
      content: Buffer.concat([
        Buffer.from("text,label\ncaf"),
        Buffer.from([0xe9]),
        Buffer.from(",x\nok,y\n"),
      ]),
      options: { text: "text", label: "label" },
      warning:
        /is not valid UTF-8: 1 character\(s\) replaced by U\+FFFD, the first on line 2; save the file as UTF-8/,
    },
    {
      what: "a duplicate header",
      extension: "csv",
      content: lines("text,label,text", "a,x,b", "c,y,d"),
      options: { text: "text", label: "label" },
      warning:
        /header "text" appears 2 times; the first such column is used as "text", the others are renamed "text_1"/,
    },
    {
      what: "a non-string JSONL text field",
      extension: "jsonl",
      content: lines('{"t":"plain","y":"x"}', '{"t":{"nested":1},"y":"y"}', '{"t":7,"y":"x"}'),
      options: { text: "t", label: "y" },
      warning:
        /text field "t" is not a string on 2 row\(s\), the first at line 2; it was stored as JSON text/,
    },
    {
      what: "rows with no values",
      extension: "csv",
      content: lines("text,label", "a,x", ",", "b,y", " , "),
      options: { text: "text", label: "label" },
      warning: /dropped 2 row\(s\) with no values, the first at data row 2/,
    },
  ];

  for (const { what, extension, content, options, warning } of cases) {
    test(`${what}: one warning line; strict makes it an error`, async () => {
      const path = file(extension, content);
      const { notices } = await load(path, options);
      assert.equal(notices.length, 1);
      assert.equal(notices[0]?.level, "warning");
      assert.match(notices[0]?.message ?? "", warning);
      assert.doesNotMatch(notices[0]?.message ?? "", /\n/);
      await assert.rejects(load(path, { ...options, strict: true }), rejectsWith(warning));
    });
  }

  test("the rows say what was kept: replaced bytes, JSON text, first duplicate column, dropped rows gone", async () => {
    const json = await load(file("jsonl", lines('{"t":{"a":1},"y":"x"}', '{"t":"b","y":"y"}')), {
      text: "t",
      label: "y",
    });
    assert.equal(json.dataset.rows[0]?.text, '{"a":1}');
    const duplicate = await load(file("csv", lines("text,label,text", "first,x,second", "c,y,d")), {
      text: "text",
      label: "label",
    });
    assert.equal(duplicate.dataset.rows[0]?.text, "first");
    const dropped = await load(file("csv", lines("text,label", "a,x", ",", "b,y")), {
      text: "text",
      label: "label",
    });
    assert.deepEqual(
      dropped.dataset.rows.map((row) => row.text),
      ["a", "b"],
    );
  });

  test("on the command line a warning goes to stderr, and --strict exits non-zero with it", async () => {
    const path = file(
      "csv",
      lines("text,label,text", ...Array.from({ length: 12 }, (_, i) => `t${i},${i % 2 ? "x" : "y"},u`)),
    );
    const out = join(work.path, "strict-out");
    const warned = await runCli(["split", path, "--text", "text", "--label", "label", "--out", out]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /^warning: .*header "text" appears 2 times/m);
    const strict = await runCli([
      "split",
      path,
      "--text",
      "text",
      "--label",
      "label",
      "--strict",
      "--out",
      out,
    ]);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, /^expbook: .*header "text" appears 2 times.*\(strict\)$/m);
  });
});

describe("no stale data: the cache follows the file's content", () => {
  test("an edited file gives the new rows and a new fingerprint; an untouched one the same dataset", async () => {
    const path = file("csv", lines("text,label", "a,x", "b,y"));
    const first = await loadDataset(path, { text: "text", label: "label" });
    assert.equal(await loadDataset(path, { text: "text", label: "label" }), first);
    writeFileSync(path, lines("text,label", "a,x", "b,y", "c,x"));
    const second = await loadDataset(path, { text: "text", label: "label" });
    assert.equal(second.rows.length, 3);
    assert.notEqual(second.fingerprint, first.fingerprint);
  });

  test("an edit of the same size with the old mtime is still seen (ctime and the byte hash)", async () => {
    const path = file("csv", lines("text,label", "a,x", "b,y"));
    const first = await loadDataset(path, { text: "text", label: "label" });
    const when = new Date(Date.now() - 60_000);
    writeFileSync(path, lines("text,label", "a,y", "b,x"));
    utimesSync(path, when, when);
    const second = await loadDataset(path, { text: "text", label: "label" });
    assert.deepEqual(
      second.rows.map((row) => row.label),
      ["y", "x"],
    );
    assert.notEqual(second.fingerprint, first.fingerprint);
  });
});

describe("paths resolve from the project root", () => {
  test("a relative path is found from a subfolder and named relative to the root", () => {
    const root = join(work.path, "project");
    mkdirSync(join(root, "data"), { recursive: true });
    mkdirSync(join(root, "notebooks"), { recursive: true });
    writeFileSync(join(root, "package.json"), "{}\n");
    writeFileSync(join(root, "data", "x.csv"), "text,label\n");
    const found = resolveDatasetPath("data/x.csv", join(root, "notebooks"));
    assert.equal(found, join(root, "data", "x.csv"));
    assert.equal(resolveDatasetPath("../data/x.csv", join(root, "notebooks")), found);
    assert.equal(projectRelativePath(found, root), "data/x.csv");
    assert.equal(projectRelativePath("/elsewhere/y.csv", root), "/elsewhere/y.csv");
  });
});
