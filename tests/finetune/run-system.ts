// Test helper: runs the finetune system on a split and keeps what it logged.
import { folderArtifacts } from "../../src/systems/folder-artifacts.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dataset, Example } from "../../src/data/index.js";
import { finetuneSystem } from "../../src/finetune/index.js";
import type { SystemOutput } from "../../src/systems/system.js";

export interface Logged {
  output: SystemOutput;
  series: Record<string, number[]>;
}

export async function runFinetune(
  dataset: Dataset,
  rows: { train: Example[]; val: Example[]; test: Example[] },
  params: Record<string, unknown>,
  seed = 1,
): Promise<Logged> {
  const series: Record<string, number[]> = {};
  const log = (name: string, value: number) => {
    const values = series[name] ?? [];
    values.push(value);
    series[name] = values;
  };
  const artifactDir = mkdtempSync(join(tmpdir(), "expbook-finetune-test-"));
  const output = await finetuneSystem
    .run({
      task: dataset.task,
      labels: dataset.labels,
      ...(dataset.positiveLabel ? { positiveLabel: dataset.positiveLabel } : {}),
      ...(dataset.featureNames ? { featureNames: dataset.featureNames } : {}),
      train: rows.train,
      val: rows.val,
      test: rows.test,
      update: [],
      params: finetuneSystem.params.parse(params),
      seed,
      metrics: {
        log,
        logMany: (values) => {
          for (const [name, value] of Object.entries(values)) log(name, value);
        },
      },
      artifactDir,
      artifacts: folderArtifacts(artifactDir),
      progress: () => {},
    })
    .finally(() => rmSync(artifactDir, { recursive: true, force: true }));
  return { output, series };
}
