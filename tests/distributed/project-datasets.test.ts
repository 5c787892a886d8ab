import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { projectStudyDatasets } from "../../src/distributed/project-datasets.js";
import { tempDir } from "../helpers/cli.js";

const project = tempDir("expbook-project-datasets-");
after(() => project.cleanup());

test("a worker preloads each built-in dataset the project's study files name, once, with its options", () => {
  assert.deepEqual(projectStudyDatasets(project.path), [], "no experiments folder: nothing");
  const experiments = join(project.path, "experiments");
  mkdirSync(experiments);
  const study = (name: string, dataset: unknown) =>
    writeFileSync(join(experiments, name), JSON.stringify({ name, dataset }));
  study("a.json", { name: "spam-assassin" });
  study("b.json", { name: "spam-assassin" });
  study("c.json", { name: "sotu", task: "classification" });
  study("d.json", { name: "sotu" });
  study("e.json", { name: "data/mine.csv", text: "t", label: "l" });
  study("f.json", "not an object");
  writeFileSync(join(experiments, "g.json"), "{ not json");
  writeFileSync(join(experiments, "notes.txt"), '{"dataset": {"name": "cps-wages-1985"}}');
  assert.deepEqual(projectStudyDatasets(project.path), [
    { name: "spam-assassin", options: {} },
    { name: "sotu", options: { task: "classification" } },
    { name: "sotu", options: {} },
  ]);
  assert.deepEqual(
    projectStudyDatasets(new URL("../..", import.meta.url).pathname).map((dataset) => dataset.name),
    ["sotu", "spam-assassin"],
    "this project's shipped studies",
  );
});
