import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { tempDir } from "../helpers/cli.js";
import { executeNotebook } from "./execute-notebook.js";

// Executes every notebook with Jupyter's real tslab kernel (against the compiled dist/, which
// `npm test` builds first) and fails on any cell error, printing the failing cell's stderr.
const notebooksDir = new URL("../../notebooks/", import.meta.url).pathname;
const fixture = new URL("./fixtures/pitfalls.ipynb", import.meta.url).pathname;
const notebooks = readdirSync(notebooksDir)
  .filter((name) => name.endsWith(".ipynb"))
  .sort();
const work = tempDir("expbook-notebooks-");
after(work.cleanup);

const plotlyMime = "application/vnd.plotly.v1+json";
const plotlyMarker = "window.Plotly = Plotly";
// One inlined plotly.js as it sits in a notebook file (a JSON string).
const plotlyBytes = Buffer.byteLength(
  JSON.stringify(readFileSync(createRequire(import.meta.url).resolve("plotly.js-dist-min"), "utf8")),
);
const megabyte = 1024 * 1024;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const joined = (value: unknown): string => (Array.isArray(value) ? value.join("") : String(value ?? ""));
const htmlOf = (output: Output): string => joined(output.data?.["text/html"]);

function readCells(path: string): Cell[] {
  return (JSON.parse(readFileSync(path, "utf8")) as { cells: Cell[] }).cells;
}

/** Everything a code cell printed or displayed as text. */
const cellText = (cell: Cell): string =>
  (cell.outputs ?? []).map((output) => joined(output.text) + joined(output.data?.["text/plain"])).join("\n");

/** Checks of what particular notebooks show, beyond running without errors (given their code cells). */
const notebookChecks: Record<string, (code: Cell[]) => Promise<void>> = {
  "07-own-model.ipynb": checkOwnModel,
};

/** Notebook 07: the module system in a 3-seed study with paired tests, then a served model over `http`. */
async function checkOwnModel(code: Cell[]): Promise<void> {
  const text = code.map(cellText);
  assert.match(text[0] ?? "", /^bow-mlp: .*tfjs MLP.*\(source hash [0-9a-f]{16}\)/m);
  assert.match(text[2] ?? "", /12 run\(s\) ran, 0 reused, 0 failed, seeds 1, 2, 3/);
  // The module's runs trained on a recorded backend, to finetune's step floor.
  const mlp = /bow-mlp runs: (.*)/.exec(text[3] ?? "")?.[1] ?? "";
  const runs = [...mlp.matchAll(/seed (\d) (\d+) steps on (\w+) \(tfjs \d+\.\d+\.\d+\)/g)];
  assert.deepEqual(
    runs.map((run) => run[1]),
    ["1", "2", "3"],
    mlp,
  );
  for (const run of runs) {
    assert.ok(Number(run[2]) >= 100, `${run[0]}: fewer steps than minSteps`);
    assert.ok(["tensorflow", "wasm", "cpu"].includes(run[3] ?? ""), run[0]);
  }
  // The report's significance table: the best system, then each other one with its paired test.
  const table = text[4] ?? "";
  const systems = ["bow-mlp", "finetune-glove", "rag-bm25", "tfidf-logreg"];
  const best = /\(best: ([\w-]+)\)/.exec(table)?.[1] ?? "";
  assert.ok(systems.includes(best), table);
  for (const system of systems.filter((name) => name !== best)) {
    const row = new RegExp(
      `^${system}\\s+(-?\\d\\.\\d{4})\\s+\\[(-?\\d\\.\\d{4}), (-?\\d\\.\\d{4})\\]\\s+(\\d\\.\\d{3})\\s+(\\d\\.\\d{3})\\s+(yes|no)$`,
      "m",
    ).exec(table);
    assert.ok(row, `no significance row for ${system} in\n${table}`);
    const [difference, low, high, p, holm] = row.slice(1, 6).map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    assert.ok(difference <= 0 && low <= difference && difference <= high, row[0]);
    assert.ok(p <= holm && holm <= 1, `Holm never lowers p: ${row[0]}`);
    assert.equal(row[6], holm < 0.05 ? "yes" : "no", row[0]);
  }
  // The http system scores the served run's model exactly as the run scored itself, then from its cache.
  const url = /serving run \S+ at (http:\/\/127\.0\.0\.1:\d+)/.exec(text[5] ?? "")?.[1];
  assert.ok(url, text[5]);
  const own = /scoring itself: test F1 (\d\.\d{4})/.exec(text[6] ?? "")?.[1];
  const served = /over HTTP: +test F1 (\d\.\d{4})/.exec(text[6] ?? "")?.[1];
  assert.ok(own !== undefined && Number(own) > 0.5, text[6]);
  assert.equal(served, own);
  assert.match(text[7] ?? "", /server stopped/);
  assert.match(text[7] ?? "", new RegExp(`from the cache: test F1 ${own} \\(same: true\\)`));
  // The notebook stopped the server it started.
  await assert.rejects(fetch(`${url}/healthz`), "the server is still answering after the notebook");
}

describe("notebooks execute under Jupyter with the tslab kernel", () => {
  test("there are notebooks 01 to 08", () => {
    for (const prefix of ["01-", "02-", "03-", "04-", "05-", "06-", "07-", "08-"]) {
      assert.ok(
        notebooks.some((name) => name.startsWith(prefix)),
        `missing notebooks/${prefix}*.ipynb`,
      );
    }
  });

  for (const name of notebooks) {
    test(name, async () => {
      const source = readCells(join(notebooksDir, name));
      assert.ok(
        source.every((cell) => !cell.outputs || cell.outputs.length === 0),
        "commit notebooks without outputs",
      );
      const target = join(work.path, name);
      const run = executeNotebook(join(notebooksDir, name), target, {
        EXPBOOK_STORE: join(work.path, `store-${name}`),
      });
      assert.equal(run.status, 0, `executing ${name} failed:\n${run.stderr.slice(-6000)}`);
      const code = readCells(target).filter((cell) => cell.cell_type === "code");
      assert.ok(code.length > 0);
      const outputs = code.flatMap((cell) => cell.outputs ?? []);
      const error = outputs.find((output) => output.output_type === "error");
      assert.equal(error, undefined, `${error?.ename}: ${error?.evalue}`);
      await notebookChecks[name]?.(code);
      const withOutput = code.filter((cell) => (cell.outputs?.length ?? 0) > 0).length;
      assert.ok(
        withOutput >= code.length / 2,
        `only ${withOutput} of ${code.length} code cells showed anything`,
      );

      // Figures travel as the plotly MIME bundle; plotly.js is inlined once per notebook at most.
      const figures = outputs.filter((output) => output.data?.[plotlyMime] !== undefined);
      assert.ok(figures.length > 0, "every shipped notebook shows at least one figure");
      const htmlOnly = outputs.filter(
        (output) => output.data?.[plotlyMime] === undefined && htmlOf(output).includes("Plotly.newPlot"),
      );
      assert.equal(htmlOnly.length, 0, "a figure went out as HTML only, without the plotly MIME bundle");
      for (const figure of figures) {
        assert.ok(htmlOf(figure).includes("expbook-figure"), "a figure has its HTML fallback");
        assert.ok(joined(figure.data?.["text/plain"]).length > 0, "a figure has a text line");
      }
      const copies = outputs.filter((output) => htmlOf(output).includes(plotlyMarker)).length;
      assert.equal(copies, 1, "plotly.js is inlined exactly once, with the first figure");
      const tables = outputs.filter((output) => htmlOf(output).includes("expbook-table"));
      for (const table of tables)
        assert.ok(joined(table.data?.["text/plain"]).length > 0, "a table has a text fallback");

      const bytes = statSync(target).size;
      const beyond = bytes - copies * plotlyBytes;
      console.log(
        `${name}: ${(bytes / megabyte).toFixed(2)} MB executed, ${figures.length} figures, ${tables.length} tables, ` +
          `${copies} plotly.js copy (${(plotlyBytes / megabyte).toFixed(2)} MB), ${(beyond / 1024).toFixed(0)} KB beyond it ` +
          `(load average ${loadavg()[0]?.toFixed(2)})`,
      );
      assert.ok(
        beyond < megabyte,
        `${name} weighs ${(beyond / megabyte).toFixed(2)} MB beyond plotly.js (limit 1 MB)`,
      );
    });
  }

  test("08-feedback.ipynb: HTTP answers equal expbook predict, every feedback is exported, the study uses the first shares of it", () => {
    const target = join(work.path, "08-feedback.ipynb");
    const cells = readCells(target);
    const text = cells
      .flatMap((cell) => cell.outputs ?? [])
      .map((output) => joined(output.text) + joined(output.data?.["text/plain"]))
      .join("\n");
    const served = /traffic: (\d+) requests served; (\d+) answered right/.exec(text);
    assert.ok(served, text.slice(0, 2000));
    const requests = Number(served[1]);
    const right = Number(served[2]);
    assert.ok(requests > 500, `${requests} requests`);
    assert.match(text, /HTTP equals expbook predict: 20 of 20/);
    assert.match(text, /expbook_feedback_total\{agrees="yes"\} \d+/);
    assert.match(text, /SIGTERM: the server drained its requests and exited with code 0/);
    assert.match(text, new RegExp(`exported ${requests} feedback rows`));
    // The live estimate over every request is the share answered right.
    const live = /live accuracy: ([\d.]+) \[([\d.]+), ([\d.]+)\] over (\d+) requests/.exec(text);
    assert.ok(live, text.slice(0, 2000));
    assert.equal(Number(live[4]), requests);
    assert.ok(Math.abs(Number(live[1]) - right / requests) < 0.0006);
    assert.ok(Number(live[2]) < Number(live[1]) && Number(live[1]) < Number(live[3]));
    assert.match(text, /6 run\(s\) ran, 0 reused, 0 failed/);
    for (const [system, share] of [
      ["rag-kb-0", 0],
      ["rag-kb-10", 0.1],
      ["rag-kb-50", 0.5],
      ["tfidf-refit-0", 0],
      ["tfidf-refit-50", 0.5],
    ] as const) {
      const row = new RegExp(`${system} +feedback rows +(\\d+) +test F1 (0\\.\\d+)`).exec(text);
      assert.ok(row, `${system} in ${text.slice(-1500)}`);
      assert.equal(Number(row[1]), Math.round(share * requests), system);
    }
    const figure = cells
      .flatMap((cell) => cell.outputs ?? [])
      .find((output) => joined(output.data?.["text/plain"]).includes("Learning from feedback"));
    const spec = figure?.data?.[plotlyMime] as { data: { name: string; x: number[] }[] } | undefined;
    assert.ok(spec, "the feedback figure is shown");
    assert.deepEqual(spec.data.map((trace) => trace.name).sort(), ["rag-bm25-kb", "tfidf-logreg-refit"]);
    for (const trace of spec.data) assert.deepEqual(trace.x, [0, 10, 50]);
  });

  test("the tslab pitfalls: a failing cell's stderr is reported, helper errors show in the cell, the kernel survives", () => {
    const target = join(work.path, "pitfalls.ipynb");
    const run = executeNotebook(fixture, target, {}, 300);
    assert.equal(run.status, 1, "the last cell (a shorthand property from an earlier cell) fails");
    assert.match(run.stderr, /cell 6 failed:/);
    assert.match(run.stderr, /ReferenceError: n is not defined/, "the error text nbconvert would not print");
    const cells = readCells(target);
    const texts = (index: number) =>
      (cells[index]?.outputs ?? []).map(
        (output) => joined(output.text) + joined(output.data?.["text/plain"]),
      );
    assert.deepEqual(texts(1), ["point.n = 3\n"]);
    assert.match(texts(2).join("\n"), /^InputError: show\.citations reads runs from a tracker/m);
    assert.match(
      texts(2).join("\n"),
      /still here/,
      "a forgotten await neither stops the cell nor kills the kernel",
    );
    assert.deepEqual(texts(3), ["Error: visible in the cell", "caught\n"]);
    const figures = (cells[4]?.outputs ?? []).filter((output) => output.data?.[plotlyMime] !== undefined);
    assert.equal(figures.length, 2);
    assert.equal(figures.filter((output) => htmlOf(output).includes(plotlyMarker)).length, 1);
    assert.deepEqual(texts(5), ["alive\n"]);
  });
});
