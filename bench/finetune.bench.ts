// Fine-tuning throughput (examples/s) against PyTorch on the same models, in paired rounds
// (bench/paired-rounds.ts: `--rounds=N`, default 5; `--noisy` prints ratios on a loaded machine):
// - the embedding-bag model (vocab 20,000, 100-d, 256 tokens, batch 64, Adam, linear head) on the
//   spam-assassin train split against bench/peers/embedding_bag_torch.py;
// - the 1-D CNN (64 filters, width 3, max over time) on 1,024 train rows of both classes (every 4th) against
//   bench/peers/conv1d_torch.py.
// Each peer runs as written in PyTorch (dense Adam over the whole table) and with `--sparse` (a sparse table
// gradient and SparseAdam, the lazy Adam expbook's table uses).
// PyTorch (Debian's python3-torch) runs on 1 and 2 threads with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
// removed from its environment only, and prints the BLAS kernel threadpoolctl sees. The frozen-table
// variants run once. EXPBOOK_BENCH_FINETUNE=cnn runs the CNN lines only.
import { folderArtifacts } from "../src/systems/folder-artifacts.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset, makeSplit } from "../src/data/index.js";
import type { Split } from "../src/data/types.js";
import { finetuneSystem } from "../src/finetune/index.js";
import { benchModel, cnnModel, cnnTrain } from "./finetune-models.js";
import {
  alternate,
  type Contestant,
  printFigures,
  printLoad,
  ratioGate,
  printRatio,
  roundsFlags,
} from "./paired-rounds.js";
import { startOtherCpu } from "./other-cpu.js";

const flags = roundsFlags();
const loadBefore = printLoad("before");
const otherCpu = startOtherCpu();
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
    artifacts: folderArtifacts(join(work, String(params.model ?? "bag"))),
    progress: () => {},
  });
  return { rate: Number(output.summary?.examples_per_s), backend: String(output.summary?.backend) };
}

/** The peer's environment: ours without the OpenBLAS overrides the machine sets for its own tools. */
function peerEnv(): NodeJS.ProcessEnv {
  const { OPENBLAS_CORETYPE: _coretype, OPENBLAS_L2_SIZE: _l2, ...env } = process.env;
  return env;
}

let torchMissing: string | undefined;
const blasLines = new Set<string>();
{
  const probe = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) torchMissing = "/usr/bin/python3 has no torch (apt-get install python3-torch)";
}

/** One run of a PyTorch peer script; its examples/s, or undefined (with the reason printed once). */
function torchPeer(script: string, file: string, args: string[]): number | undefined {
  if (torchMissing) return undefined;
  const path = new URL(`./peers/${script}`, import.meta.url).pathname;
  const result = spawnSync("/usr/bin/python3", [path, file, ...args], { encoding: "utf8", env: peerEnv() });
  const match = /examples_per_s=(\d+(?:\.\d+)?)/.exec(result.stdout);
  if (result.status !== 0 || !match) {
    process.stdout.write(`peer ${script} failed: ${result.stderr.trim().split("\n").pop() ?? ""}\n`);
    return undefined;
  }
  for (const line of result.stdout.split("\n")) if (line.startsWith("threadpoolctl:")) blasLines.add(line);
  return Number(match[1]);
}

function exportSplit(name: string, data: Split): string {
  const file = join(work, name);
  writeFileSync(
    file,
    `${data.train.map((row) => JSON.stringify({ text: row.text, label: row.label })).join("\n")}\n`,
  );
  return file;
}

const cnnOnly = process.env.EXPBOOK_BENCH_FINETUNE === "cnn";
const ratios: [Map<string, number[]>, string, string][] = [];
try {
  if (torchMissing) process.stdout.write(`peer skipped: ${torchMissing}\n`);
  process.stdout.write(`rounds: ${flags.rounds}, each contestant in turn\n`);
  if (!cnnOnly) {
    const file = exportSplit("train.jsonl", split);
    let backend = "";
    const contestants: Contestant[] = [
      {
        name: "expbook embedding-bag",
        run: async () => {
          const bag = await examplesPerSecond(benchModel, split);
          backend = bag.backend;
          return bag.rate;
        },
      },
      {
        name: "torch embedding-bag 1 thread",
        run: () => torchPeer("embedding_bag_torch.py", file, ["--threads", "1"]),
      },
      {
        name: "torch embedding-bag 2 threads",
        run: () => torchPeer("embedding_bag_torch.py", file, ["--threads", "2"]),
      },
      {
        name: "torch embedding-bag sparse 1 thread",
        run: () => torchPeer("embedding_bag_torch.py", file, ["--threads", "1", "--sparse"]),
      },
      {
        name: "torch embedding-bag sparse 2 threads",
        run: () => torchPeer("embedding_bag_torch.py", file, ["--threads", "2", "--sparse"]),
      },
    ];
    const figures = await alternate(contestants, flags.rounds);
    process.stdout.write(
      `embedding bag: train n=${split.train.length}, epochs 2, expbook backend ${backend}\n`,
    );
    printFigures(figures, "examples/s");
    ratios.push([figures, "expbook embedding-bag", "torch embedding-bag 1 thread"]);
    ratios.push([figures, "expbook embedding-bag", "torch embedding-bag 2 threads"]);
    ratios.push([figures, "expbook embedding-bag", "torch embedding-bag sparse 1 thread"]);
    ratios.push([figures, "expbook embedding-bag", "torch embedding-bag sparse 2 threads"]);
    const frozen = await examplesPerSecond({ ...benchModel, freeze: true }, split);
    process.stdout.write(
      `expbook embedding-bag frozen table (1 run): examples_per_s=${frozen.rate.toFixed(0)}\n`,
    );
  }
  const cnnSplit = { ...split, train: cnnTrain(split.train) };
  const cnnFile = exportSplit("cnn-train.jsonl", cnnSplit);
  const cnnArgs = ["--epochs", "1", "--limit", String(cnnSplit.train.length)];
  let cnnBackend = "";
  const cnnFigures = await alternate(
    [
      {
        name: "expbook 1-D CNN",
        run: async () => {
          const cnn = await examplesPerSecond(cnnModel, cnnSplit);
          cnnBackend = cnn.backend;
          return cnn.rate;
        },
      },
      {
        name: "torch Conv1d 1 thread",
        run: () => torchPeer("conv1d_torch.py", cnnFile, [...cnnArgs, "--threads", "1"]),
      },
      {
        name: "torch Conv1d 2 threads",
        run: () => torchPeer("conv1d_torch.py", cnnFile, [...cnnArgs, "--threads", "2"]),
      },
      {
        name: "torch Conv1d sparse 1 thread",
        run: () => torchPeer("conv1d_torch.py", cnnFile, [...cnnArgs, "--threads", "1", "--sparse"]),
      },
      {
        name: "torch Conv1d sparse 2 threads",
        run: () => torchPeer("conv1d_torch.py", cnnFile, [...cnnArgs, "--threads", "2", "--sparse"]),
      },
    ],
    flags.rounds,
  );
  process.stdout.write(
    `1-D CNN: 64 filters, width 3, train n=${cnnSplit.train.length}, epochs 1, expbook backend ${cnnBackend}\n`,
  );
  printFigures(cnnFigures, "examples/s");
  ratios.push([cnnFigures, "expbook 1-D CNN", "torch Conv1d 1 thread"]);
  ratios.push([cnnFigures, "expbook 1-D CNN", "torch Conv1d 2 threads"]);
  ratios.push([cnnFigures, "expbook 1-D CNN", "torch Conv1d sparse 1 thread"]);
  ratios.push([cnnFigures, "expbook 1-D CNN", "torch Conv1d sparse 2 threads"]);
  const cnnFrozen = await examplesPerSecond({ ...cnnModel, freeze: true }, cnnSplit);
  process.stdout.write(`expbook 1-D CNN frozen table (1 run): examples_per_s=${cnnFrozen.rate.toFixed(0)}\n`);
  for (const line of blasLines) process.stdout.write(`peer ${line}\n`);
  const others = otherCpu.stop();
  printLoad("after");
  const gate = ratioGate(loadBefore, others, flags.noisy);
  for (const [figures, a, b] of ratios) printRatio(figures, a, b, gate);
} finally {
  rmSync(work, { recursive: true, force: true });
}
