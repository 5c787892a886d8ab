import assert from "node:assert/strict";
import { test } from "node:test";
import { applyRunQuery, matchesQuery, parseQuery, type RunRecord } from "../../src/tracker/index.js";
import { InputError } from "../../src/util/errors.js";

function record(id: string, fields: Partial<RunRecord>): RunRecord {
  return {
    id,
    experiment: "exp",
    name: id,
    status: "finished",
    createdAt: `2026-01-0${id.length}T00:00:00.000Z`,
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: null,
    params: {},
    tags: {},
    note: "",
    seed: null,
    datasetFingerprint: null,
    splitFingerprint: null,
    summary: {},
    env: {
      gitCommit: null,
      gitDirty: null,
      gitDiffHash: null,
      node: "v20",
      os: "linux",
      cpu: "x",
      expbookVersion: "0",
      command: [],
      hostname: "h",
      pid: 1,
    },
    error: null,
    artifacts: [],
    ...fields,
  };
}

const runs = [
  record("a", {
    params: { lr: 0.001, model: { layers: 2 }, "opt.name": "adam" },
    summary: { test_f1: 0.95 },
    tags: { baseline: true, fold: "3" },
    seed: 1,
  }),
  record("bb", {
    params: { lr: 0.1, model: { layers: 4 } },
    summary: { test_f1: 0.91 },
    tags: { baseline: false },
    seed: 2,
  }),
  record("ccc", {
    params: { lr: 0.005 },
    summary: { test_f1: 0.8 },
    latest: { loss: 0.2 },
    status: "crashed",
    experiment: "other",
    name: 'has "quotes"',
  }),
  record("dddd", {
    params: { lr: 0.0001 },
    latest: { test_f1: 0.99 },
    tags: { baseline: true },
    status: "running",
  }),
];

function ids(where: string): string[] {
  return runs.filter((run) => matchesQuery(parseQuery(where), run)).map((run) => run.id);
}

test("the issue's example: params, metrics and a bare tag", () => {
  assert.deepEqual(ids("params.lr < 0.01 and metrics.test_f1 > 0.9 and tags.baseline"), ["a", "dddd"]);
});

test("comparisons, boolean logic, parentheses and literals", () => {
  const cases: [string, string[]][] = [
    ["params.lr = 0.1", ["bb"]],
    ["params.lr == 0.1", ["bb"]],
    ["params.lr != 0.1", ["a", "ccc", "dddd"]],
    ["params.lr <= 0.005", ["a", "ccc", "dddd"]],
    ["params.lr >= 0.005", ["bb", "ccc"]],
    ["params.lr > 1e-3", ["bb", "ccc"]],
    ["params.model.layers > 2", ["bb"]],
    ["params.opt.name = 'adam'", ["a"]],
    ['status = "crashed" or status = "running"', ["ccc", "dddd"]],
    ['not status = "finished"', ["ccc", "dddd"]],
    ["!tags.baseline", ["bb", "ccc"]],
    ["tags.baseline = false", ["bb"]],
    ["tags.fold = 3", ["a"]],
    ["(params.lr < 0.002 || params.lr > 0.05) && seed", ["a", "bb"]],
    ["params.lr < 0.002 or params.lr > 0.05 and seed = 2", ["a", "bb", "dddd"]],
    ['experiment = "other"', ["ccc"]],
    ["name = 'has \"quotes\"'", ["ccc"]],
    ["metrics.loss < 0.5", ["ccc"]],
    ["summary.test_f1 > 0.98", []],
    ["metrics.test_f1 > 0.98", ["dddd"]],
    ["seed = null", ["ccc", "dddd"]],
    ["params.missing > 0", []],
    ["params.missing != 1", ["a", "bb", "ccc", "dddd"]],
    ['id >= "bb" AND id < "dddd"', ["bb", "ccc"]],
    ['created >= "2026-01-03"', ["ccc", "dddd"]],
  ];
  for (const [where, expected] of cases) assert.deepEqual(ids(where), expected, where);
});

test("malformed expressions throw InputError pointing at the bad token", () => {
  const cases: [string, RegExp][] = [
    ["params.lr < < 0.01", /^unexpected "<" at column 13 in query "params.lr < < 0.01"/],
    ["params.lr <", /^unexpected end of query at column 12/],
    ["(params.lr < 1", /^unexpected end of query at column 15 .*expected "\)"/],
    ["params.lr < 1)", /^unexpected "\)" at column 14/],
    ["params.lr < 1 tags.x", /^unexpected "tags.x" at column 15/],
    ["status = finished", /^unknown field "finished" at column 10/],
    ["params", /^"params" needs a name, e.g. params.NAME at column 1/],
    ["status.x = 1", /^field "status" has no sub-fields at column 1/],
    ['name = "open', /^unterminated string at column 8/],
    ["params.lr $ 1", /^unexpected character "\$" at column 11/],
    ["params. = 1", /^expected a field name after the dot at column 8/],
    ["", /^empty query at column 1/],
    ["and", /^unexpected "and" at column 1/],
  ];
  for (const [where, message] of cases) {
    assert.throws(
      () => parseQuery(where),
      (error: unknown) => error instanceof InputError && message.test(error.message),
      where,
    );
  }
});

test("sort (ascending, descending, missing last), limit, experiment and tag filters", () => {
  const names = (query: Parameters<typeof applyRunQuery>[1]): string[] =>
    applyRunQuery(runs, query).map((r) => r.id);
  assert.deepEqual(names({}), ["a", "bb", "ccc", "dddd"]);
  assert.deepEqual(names({ sort: "-summary.test_f1" }), ["a", "bb", "ccc", "dddd"]);
  assert.deepEqual(names({ sort: "summary.test_f1" }), ["ccc", "bb", "a", "dddd"]);
  assert.deepEqual(names({ sort: "-metrics.test_f1", limit: 2 }), ["dddd", "a"]);
  assert.deepEqual(names({ sort: "params.lr" }), ["dddd", "a", "ccc", "bb"]);
  assert.deepEqual(names({ experiment: "other" }), ["ccc"]);
  assert.deepEqual(names({ tags: ["baseline"] }), ["a", "dddd"]);
  assert.deepEqual(names({ tags: { fold: "3" } }), ["a"]);
  assert.throws(() => names({ sort: "a b" }), InputError);
  assert.throws(() => names({ limit: -1 }), InputError);
});
