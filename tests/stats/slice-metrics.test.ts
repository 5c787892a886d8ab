import assert from "node:assert/strict";
import { test } from "node:test";
import { f1Score, meanAbsoluteError, sliceMetrics } from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { runPython } from "../helpers/sklearn.js";
import { assertClose } from "../metrics/assert-close.js";

interface Row {
  y: string;
  p: string;
  party: string | null;
}

test("sliceMetrics matches sklearn per slice on 200 random tables, including empty slices", () => {
  const rng = createRng(71);
  const parties = ["Dem", "Rep", "Whig", "Fed"];
  const cases = Array.from({ length: 200 }, () => {
    const n = rng.int(30);
    const rows: Row[] = Array.from({ length: n }, () => ({
      y: rng.next() < 0.5 ? "spam" : "ham",
      p: rng.next() < 0.5 ? "spam" : "ham",
      party: rng.next() < 0.1 ? null : (parties[rng.int(3)] as string), // "Fed" is always empty
    }));
    return rows;
  });
  const script = `
import json, sys, warnings
warnings.simplefilter("ignore")
from sklearn.metrics import f1_score
out = []
for rows in json.load(sys.stdin):
    res = {}
    for s in ["Dem", "Fed", "Rep", "Whig"]:
        sub = [r for r in rows if r["party"] == s]
        res[s] = [len(sub), f1_score([r["y"] for r in sub], [r["p"] for r in sub], average="macro", labels=["ham", "spam"]) if sub else None]
    out.append(res)
print(json.dumps(out))
`;
  const expected = runPython<Record<string, [number, number | null]>[]>(script, cases);
  cases.forEach((rows, i) => {
    const got = sliceMetrics(
      rows,
      (row) => row.party,
      (members) =>
        f1Score(
          members.map((r) => r.y),
          members.map((r) => r.p),
          { average: "macro", labels: ["ham", "spam"] },
        ),
      { slices: parties },
    );
    assert.deepEqual(
      got.map((s) => s.slice),
      ["Dem", "Fed", "Rep", "Whig"],
    );
    for (const slice of got) {
      const [n, value] = (expected[i] as Record<string, [number, number | null]>)[slice.slice] as [
        number,
        number | null,
      ];
      assert.equal(slice.n, n, `table ${i} ${slice.slice}`);
      assertClose(slice.value, value, `table ${i} ${slice.slice}`);
    }
  });
});

test("sliceMetrics works on numeric slice keys and without a slice list", () => {
  const rows = [
    { y: 1, p: 2, era: 1900 },
    { y: 3, p: 3, era: 2000 },
    { y: 5, p: 1, era: 1900 },
  ];
  const got = sliceMetrics(
    rows,
    (r) => r.era,
    (members) =>
      meanAbsoluteError(
        members.map((r) => r.y),
        members.map((r) => r.p),
      ),
  );
  assert.deepEqual(got, [
    { slice: "1900", n: 2, value: 2.5 },
    { slice: "2000", n: 1, value: 0 },
  ]);
  assert.deepEqual(
    sliceMetrics(
      [],
      () => "a",
      () => 1,
    ),
    [],
  );
});
