import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Example, kFold, loadDataset, makeSplit, type Split } from "../../src/index.js";

function allRows(split: Split): Example[] {
  return [...split.train, ...split.val, ...split.test, ...split.update];
}

function assertNoLeakage(split: Split): void {
  const parts = { train: split.train, val: split.val, test: split.test, update: split.update };
  const idOwner = new Map<string, string>();
  const textOwner = new Map<string, string>();
  for (const [name, rows] of Object.entries(parts)) {
    for (const row of rows) {
      assert.equal(idOwner.has(row.id), false, `id ${row.id} is in ${idOwner.get(row.id)} and ${name}`);
      idOwner.set(row.id, name);
      if (row.text === undefined) continue;
      const owner = textOwner.get(row.text);
      assert.ok(owner === undefined || owner === name, `identical text in ${owner} and ${name}`);
      textOwner.set(row.text, name);
    }
  }
}

describe("stratified split of spam-assassin", async () => {
  const dataset = await loadDataset("spam-assassin");

  test("covers every row exactly once and leaks no id or text between splits", () => {
    const split = makeSplit(dataset, { strategy: "stratified", seed: 7 });
    assert.equal(allRows(split).length, dataset.rows.length);
    assertNoLeakage(split);
    assert.ok(split.info.duplicateTextGroups > 0);
  });

  test("keeps every class's count within one example (two where identical texts force it) of exact", () => {
    for (const seed of [1, 2, 3, 7, 42]) {
      const split = makeSplit(dataset, { strategy: "stratified", seed });
      for (const label of dataset.labels) {
        const total = dataset.rows.filter((row) => row.label === label).length;
        for (const [name, fraction] of [
          ["train", 0.7],
          ["val", 0.15],
          ["test", 0.15],
        ] as const) {
          const count = split[name].filter((row) => row.label === label).length;
          assert.ok(
            Math.abs(count - total * fraction) <= 2,
            `${label} in ${name}: ${count} vs ${total * fraction}`,
          );
        }
      }
    }
  });

  test("is the same for the same seed and different for another", () => {
    const a = makeSplit(dataset, { strategy: "stratified", seed: 7 });
    const b = makeSplit(dataset, { strategy: "stratified", seed: 7 });
    const c = makeSplit(dataset, { strategy: "stratified", seed: 8 });
    assert.deepEqual(
      a.test.map((row) => row.id),
      b.test.map((row) => row.id),
    );
    assert.equal(a.info.fingerprints.split, b.info.fingerprints.split);
    assert.notEqual(a.info.fingerprints.split, c.info.fingerprints.split);
  });

  test("random split meets the fractions and leaks nothing", () => {
    const split = makeSplit(dataset, {
      strategy: "random",
      seed: 3,
      fractions: { train: 0.8, val: 0, test: 0.2 },
    });
    assertNoLeakage(split);
    assert.equal(split.val.length, 0);
    assert.ok(
      Math.abs(split.test.length - 0.2 * dataset.rows.length) <= 10,
      `test has ${split.test.length} rows`,
    );
  });

  test("temporal split by collection with an update pool keeps collection 2 out of train", () => {
    const split = makeSplit(dataset, { strategy: "temporal", by: "collection", seed: 1, update: 0.5 });
    assertNoLeakage(split);
    const olderTexts = new Set(
      dataset.rows.filter((row) => row.meta.collection === 1).map((row) => row.text),
    );
    // A newer copy of an older text belongs to the period the text first appeared in.
    assert.ok(split.train.every((row) => row.meta.collection === 1 || olderTexts.has(row.text)));
    assert.ok(split.test.every((row) => row.meta.collection === 2));
    assert.ok(split.update.every((row) => row.meta.collection === 2));
    assert.ok(Math.abs(split.update.length - split.test.length) <= 30);
  });
});

describe("sotu splits", async () => {
  const sotu = await loadDataset("sotu");

  test("group split never puts one president in two splits", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const split = makeSplit(sotu, { strategy: "group", by: "president", seed });
      const owner = new Map<string, string>();
      for (const name of ["train", "val", "test"] as const) {
        for (const row of split[name]) {
          const president = String(row.meta.president);
          assert.ok(!owner.has(president) || owner.get(president) === name, `${president} in two splits`);
          owner.set(president, name);
        }
      }
      assert.ok(split.train.length > 0 && split.val.length > 0 && split.test.length > 0);
    }
  });

  test("temporal split puts every test year after every train and validation year", () => {
    const split = makeSplit(sotu, { strategy: "temporal", by: "year", seed: 1 });
    const years = (rows: Example[]) => rows.map((row) => row.meta.year as number);
    assert.ok(Math.min(...years(split.test)) > Math.max(...years(split.train)));
    assert.ok(Math.min(...years(split.test)) > Math.max(...years(split.val)));
    assert.ok(Math.min(...years(split.val)) > Math.max(...years(split.train)));
  });

  test("k-fold partitions the rows and keeps groups together", () => {
    const folds = kFold(sotu, { k: 5, seed: 1, groupBy: "president" });
    const seen = folds.flatMap((fold) => fold.test.map((row) => row.id)).sort();
    assert.deepEqual(seen, sotu.rows.map((row) => row.id).sort());
    for (const fold of folds) {
      const trainPresidents = new Set(fold.train.map((row) => row.meta.president));
      assert.ok(fold.test.every((row) => !trainPresidents.has(row.meta.president)));
    }
  });
});

describe("split errors", async () => {
  const sotu = await loadDataset("sotu", { task: "classification" });

  test("rejects fractions that do not sum to 1", () => {
    assert.throws(
      () => makeSplit(sotu, { strategy: "random", seed: 1, fractions: { train: 0.7, val: 0.2, test: 0.2 } }),
      /sum to 1\.1/,
    );
  });

  test("rejects a class with fewer rows than splits", () => {
    const rare = {
      ...sotu,
      rows: sotu.rows.filter(
        (row) => row.label !== "Whig" || row.meta.year === 1850 || row.meta.year === 1849,
      ),
    };
    assert.throws(
      () => makeSplit(rare, { strategy: "stratified", seed: 1 }),
      /class "Whig" has 2 row\(s\), fewer than the 3 splits/,
    );
  });

  test("rejects stratifying a regression dataset and a missing --by column", async () => {
    const years = await loadDataset("sotu");
    assert.throws(() => makeSplit(years, { strategy: "stratified", seed: 1 }), /classification/);
    assert.throws(() => makeSplit(sotu, { strategy: "group", by: "nope", seed: 1 }), /no column "nope"/);
  });
});
