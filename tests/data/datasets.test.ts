import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DatasetError, listDatasets, loadDataset } from "../../src/index.js";

describe("built-in datasets", () => {
  test("spam-assassin: 6,046 bodies without headers, two collections, stable ids", async () => {
    const spam = await loadDataset("spam-assassin");
    assert.equal(spam.rows.length, 6046);
    assert.deepEqual(spam.labels, ["ham", "spam"]);
    assert.equal(spam.positiveLabel, "spam");
    assert.equal(new Set(spam.rows.map((row) => row.id)).size, 6046);
    assert.deepEqual([...new Set(spam.rows.map((row) => row.meta.collection))].sort(), [1, 2]);
    const withHeaders = spam.rows.filter((row) => /^Return-Path:|^Received:/m.test(row.text ?? "")).length;
    assert.ok(withHeaders < 60, `${withHeaders} bodies still start like headers`);
    const raw = await loadDataset("spam-assassin", { keepHeaders: true });
    assert.ok((raw.rows[0]?.text ?? "").startsWith("From "));
    assert.notEqual(raw.fingerprint, spam.fingerprint);
  });

  test("sotu serves regression on year and classification on party", async () => {
    const years = await loadDataset("sotu");
    assert.equal(years.task, "regression");
    assert.ok(years.rows.every((row) => row.target === row.meta.year));
    const parties = await loadDataset("sotu", { task: "classification" });
    assert.ok(parties.labels.includes("republican") || parties.labels.includes("Republican"));
  });

  test("cps-wages-1985 is tabular with one-hot categoricals", async () => {
    const wages = await loadDataset("cps-wages-1985");
    assert.equal(wages.rows.length, 534);
    assert.ok(wages.featureNames?.includes("gender=female"));
    assert.ok(
      wages.rows.every((row) => Object.keys(row.features ?? {}).length === wages.featureNames?.length),
    );
  });

  test("fingerprints are stable hex SHA-256 and listDatasets summarises every dataset", async () => {
    const summaries = await listDatasets();
    assert.deepEqual(
      summaries.map((s) => s.name),
      ["spam-assassin", "sotu", "cps-wages-1985"],
    );
    for (const summary of summaries) assert.match(summary.fingerprint, /^[0-9a-f]{64}$/);
  });

  test("an unknown dataset is a DatasetError naming the choices", async () => {
    await assert.rejects(
      loadDataset("no-such-dataset"),
      (error: unknown) => error instanceof DatasetError && /spam-assassin/.test(error.message),
    );
  });
});
