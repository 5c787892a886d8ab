// `npx tsx scripts/sweep-min-steps.ts [--seeds 1,2,3] [--sizes 8,32,128,512] [--min-steps 0,50,100,200,400]`:
// the sweep behind finetune's `minSteps` default. Each (size, minSteps, seed) trains finetune-glove on the
// learning-curve study's seeded, stratified subsample and is scored on VALIDATION only (the test rows are
// never predicted), so the default is chosen without looking at test data. Prints mean val_f1 (and std),
// the mean optimiser steps taken and the mean training seconds per cell, with the load average.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset } from "../src/data/load-dataset.js";
import { makeSplit, type SplitOptions } from "../src/data/split.js";
import { fitSystem } from "../src/study/fit-system.js";
import { openTracker } from "../src/tracker/index.js";

function list(flag: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(flag);
  const value = at >= 0 ? process.argv[at + 1] : undefined;
  return value ? value.split(",").map(Number) : fallback;
}

const seeds = list("--seeds", [1, 2, 3]);
const sizes = list("--sizes", [8, 32, 128, 512]);
const minStepsGrid = list("--min-steps", [0, 50, 100, 200, 400]);
const dir = mkdtempSync(join(tmpdir(), "expbook-min-steps-"));
try {
  const tracker = await openTracker({ dir });
  const dataset = await loadDataset("spam-assassin");
  const cells = new Map<string, { f1: number[]; steps: number[]; seconds: number[] }>();
  for (const seed of seeds) {
    const splitOptions: SplitOptions = {
      strategy: "stratified",
      fractions: { train: 0.7, val: 0.15, test: 0.15 },
      seed,
    };
    const split = makeSplit(dataset, splitOptions);
    for (const size of sizes) {
      for (const minSteps of minStepsGrid) {
        const result = await fitSystem({
          kind: "finetune",
          params: { init: "glove", epochs: 8, minSteps },
          dataset,
          split,
          splitOptions,
          seed,
          labelled: size,
          scoreTest: false,
          tracker,
          experiment: "min-steps-sweep",
        });
        const key = `${size}\u0000${minSteps}`;
        const cell = cells.get(key) ?? { f1: [], steps: [], seconds: [] };
        cell.f1.push(result.summary.val_f1 as number);
        cell.steps.push(result.summary.steps as number);
        cell.seconds.push(result.summary.train_seconds as number);
        cells.set(key, cell);
        process.stderr.write(
          `seed ${seed} n=${size} minSteps=${minSteps}: val_f1 ${(result.summary.val_f1 as number).toFixed(3)}, ${result.summary.steps} steps\n`,
        );
      }
    }
  }
  await tracker.close();
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const std = (values: number[]) =>
    values.length < 2
      ? Number.NaN
      : Math.sqrt(values.reduce((a, b) => a + (b - mean(values)) ** 2, 0) / (values.length - 1));
  console.log(`labels  minSteps  val_f1 mean (std)  steps  train_s   [seeds ${seeds.join(",")}]`);
  for (const size of sizes) {
    for (const minSteps of minStepsGrid) {
      const cell = cells.get(`${size}\u0000${minSteps}`);
      if (!cell) continue;
      console.log(
        `${String(size).padStart(6)}  ${String(minSteps).padStart(8)}  ${mean(cell.f1).toFixed(3)} (${std(cell.f1).toFixed(3)})      ${mean(cell.steps).toFixed(0).padStart(5)}  ${mean(cell.seconds).toFixed(1).padStart(7)}`,
      );
    }
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, ${new Date().toISOString()}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
