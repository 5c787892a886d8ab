// The expbook side of bench/finetune.bench.ts alone (no peer), for before/after figures with
// `farm-bench --vs`: `npx tsx bench/finetune-expbook.ts` prints the embedding bag's examples/s (the CNN's
// with EXPBOOK_BENCH_FINETUNE=cnn), its summary and a hash of its test predictions, so two builds can be
// checked for identical results.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset, makeSplit } from "../src/data/index.js";
import { finetuneSystem } from "../src/finetune/index.js";
import { folderArtifacts } from "../src/systems/folder-artifacts.js";
import { benchModel, cnnModel, cnnTrain } from "./finetune-models.js";

const dataset = await loadDataset("spam-assassin");
const split = makeSplit(dataset, { strategy: "stratified", seed: 1 });
const work = mkdtempSync(join(tmpdir(), "expbook-bench-finetune-only-"));
const cnn = process.env.EXPBOOK_BENCH_FINETUNE === "cnn";
const params = cnn ? cnnModel : benchModel;
const train = cnn ? cnnTrain(split.train) : split.train;
const logged: Record<string, number> = {};
try {
  const output = await finetuneSystem.run({
    task: dataset.task,
    labels: dataset.labels,
    ...(dataset.positiveLabel ? { positiveLabel: dataset.positiveLabel } : {}),
    train,
    val: split.val.slice(0, 64),
    test: split.test.slice(0, 200),
    update: [],
    params: finetuneSystem.params.parse(params),
    seed: 1,
    metrics: {
      log: (name, value) => {
        logged[name] = value;
      },
      logMany: (values) => {
        Object.assign(logged, values);
      },
    },
    artifactDir: work,
    artifacts: folderArtifacts(work),
    progress: () => {},
  });
  const s = output.summary ?? {};
  const { examples_per_s, epoch_seconds, train_seconds, ...rest }: Record<string, unknown> = {
    ...s,
    ...logged,
  };
  const predictions = createHash("sha256").update(JSON.stringify(output.testPredictions)).digest("hex");
  process.stdout.write(
    `examples_per_s=${Number(examples_per_s).toFixed(0)}\n${JSON.stringify(rest)}\ntest predictions sha256 ${predictions}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
