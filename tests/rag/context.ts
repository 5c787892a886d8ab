import type { Dataset, Example, Split } from "../../src/data/types.js";
import { folderArtifacts } from "../../src/systems/folder-artifacts.js";
import type { SystemContext } from "../../src/systems/system.js";

/** A SystemContext for calling a system's `run` directly, the way `expbook fit` does. */
export function contextFor<P>(
  dataset: Dataset,
  split: Pick<Split, "train" | "val" | "test"> & { update?: Example[] },
  params: P,
  artifactDir: string,
  seed = 1,
): SystemContext<P> {
  return {
    task: dataset.task,
    labels: dataset.labels,
    positiveLabel: dataset.positiveLabel,
    train: split.train,
    val: split.val,
    test: split.test,
    update: split.update ?? [],
    params,
    seed,
    metrics: { log: () => {}, logMany: () => {} },
    artifactDir,
    artifacts: folderArtifacts(artifactDir),
    progress: () => {},
  };
}
