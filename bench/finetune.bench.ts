// Fine-tuning throughput: examples/s of the embedding-bag model (vocab 20,000, 100-d, 256 tokens, batch 64,
// Adam, linear head: the same model as the PyTorch peer) on the spam-assassin train split, the peer
// ../shared/bench/embedding_bag_torch.py on the same exported split when Debian's python3-torch is
// present, their ratio, and the 1-D CNN (trainable and frozen table). Figures are noisy on a shared 2-core
// machine. EXPBOOK_BENCH_FINETUNE=cnn runs the CNN lines only.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset, makeSplit } from "../src/data/index.js";
import { finetuneSystem } from "../src/finetune/index.js";
import type { Split } from "../src/data/types.js";

const dataset = await loadDataset("spam-assassin");
const split = makeSplit(dataset, { strategy: "stratified", seed: 1 });
const work = mkdtempSync(join(tmpdir(), "expbook-bench-finetune-"));

async function examplesPerSecond(
  params: Record<string, unknown>,
  data: Split,
): Promise<{ rate: number; backend: string }> {
  const output = await finetuneSystem.run({
    task: dataset.task,
    labels: dataset.labels,
    ...(dataset.positiveLabel ? { positiveLabel: dataset.positiveLabel } : {}),
    train: data.train,
    val: data.val.slice(0, 64),
    test: [],
    update: [],
    params: finetuneSystem.params.parse(params),
    seed: 1,
    metrics: { log: () => {}, logMany: () => {} },
    artifactDir: join(work, String(params.model ?? "bag")),
    progress: () => {},
  });
  return { rate: Number(output.summary?.examples_per_s), backend: String(output.summary?.backend) };
}

function torchPeer(): number | undefined {
  const script = new URL("../../shared/bench/embedding_bag_torch.py", import.meta.url).pathname;
  if (!existsSync(script)) {
    process.stdout.write(`peer skipped: ${script} not found\n`);
    return undefined;
  }
  const probe = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) {
    process.stdout.write("peer skipped: /usr/bin/python3 has no torch (apt-get install python3-torch)\n");
    return undefined;
  }
  const file = join(work, "train.jsonl");
  writeFileSync(
    file,
    `${split.train.map((row) => JSON.stringify({ text: row.text, label: row.label })).join("\n")}\n`,
  );
  const result = spawnSync("/usr/bin/python3", [script, file, "--threads", "2"], { encoding: "utf8" });
  process.stdout.write(result.stdout);
  const match = /examples_per_s=(\d+(?:\.\d+)?)/.exec(result.stdout);
  if (result.status !== 0 || !match) {
    process.stdout.write(`peer failed: ${result.stderr.trim().split("\n").pop() ?? ""}\n`);
    return undefined;
  }
  return Number(match[1]);
}

const benchModel = {
  model: "bag",
  init: "random",
  hidden: 0,
  dropout: 0,
  epochs: 2,
  patience: 100,
  vocabSize: 20000,
  maxTokens: 256,
  batchSize: 64,
  optimizer: "adam",
  learningRate: 0.005,
};
const cnnOnly = process.env.EXPBOOK_BENCH_FINETUNE === "cnn";
try {
  if (!cnnOnly) await benchBag();
  const cnnSplit = { ...split, train: split.train.slice(0, 1024) };
  const cnnModel = { ...benchModel, model: "cnn", hidden: 64, kernelSize: 3, epochs: 1 };
  const cnn = await examplesPerSecond(cnnModel, cnnSplit);
  process.stdout.write(
    `expbook 1-D CNN (64 filters, width 3, ${cnn.backend}) on ${cnnSplit.train.length} train rows: examples_per_s=${cnn.rate.toFixed(0)}\n`,
  );
  const cnnFrozen = await examplesPerSecond({ ...cnnModel, freeze: true }, cnnSplit);
  process.stdout.write(`expbook 1-D CNN frozen table: examples_per_s=${cnnFrozen.rate.toFixed(0)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function benchBag(): Promise<void> {
  const bag = await examplesPerSecond(benchModel, split);
  process.stdout.write(
    `expbook embedding-bag (${bag.backend}, lazy Adam table + tfjs head) train n=${split.train.length} epochs=2: ` +
      `examples_per_s=${bag.rate.toFixed(0)}\n`,
  );
  const torch = torchPeer();
  if (torch !== undefined) {
    process.stdout.write(`ratio expbook/torch = ${(bag.rate / torch).toFixed(2)}\n`);
  }
  const frozen = await examplesPerSecond({ ...benchModel, freeze: true }, split);
  process.stdout.write(`expbook embedding-bag frozen table: examples_per_s=${frozen.rate.toFixed(0)}\n`);
}
