import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { z } from "zod";
import { makeSplit, type SplitOptions } from "../data/split.js";
import type { Dataset, Split } from "../data/types.js";
import type { MetricSink, SystemContext, SystemDefinition } from "../systems/system.js";
import { folderArtifacts } from "../systems/folder-artifacts.js";
import { validateSystemParams } from "../systems/validate-params.js";

/** One logged point of a series. */
export interface SeriesPoint {
  step: number;
  value: number;
}

/** A metric sink that keeps every logged series in memory (for a notebook to plot). */
export interface RecordedMetrics extends MetricSink {
  series: Record<string, SeriesPoint[]>;
}

/** What `prepareSystemContext` needs: the data, the split (options or a split made already), the seed. */
export interface PrepareContextOptions<S extends z.ZodType> {
  dataset: Dataset;
  /** Split options (the split is made here) or a split from `makeSplit`. */
  split: SplitOptions | Split;
  /** Model seed (default: the split's seed). */
  seed?: number;
  /** Raw params, validated by the system's schema (defaults filled, unknown keys rejected). */
  params?: z.input<S>;
  /** Where the system may write artifacts (default: a fresh temporary folder). */
  artifactDir?: string;
}

function recordedMetrics(): RecordedMetrics {
  const series: Record<string, SeriesPoint[]> = {};
  const log = (name: string, value: number, step?: number) => {
    const points = series[name] ?? [];
    series[name] = points;
    points.push({ step: step ?? points.length, value });
  };
  return {
    series,
    log,
    logMany: (values, step) => {
      for (const [name, value] of Object.entries(values)) log(name, value, step);
    },
  };
}

/**
 * The context `system.run` takes, prepared from a dataset, a split and a seed, outside any tracker:
 * what a notebook needs to call a system (built-in or from `defineSystem`) directly. Series the system
 * logs are kept in `context.metrics.series`.
 *
 * @example
 * const context = prepareSystemContext(ragSystem, { dataset: spam, split: { strategy: "stratified", seed: 1 } });
 * const output = await ragSystem.run(context);
 */
export function prepareSystemContext<S extends z.ZodType>(
  system: SystemDefinition<S>,
  options: PrepareContextOptions<S>,
): SystemContext<z.output<S>> & { metrics: RecordedMetrics } {
  const { dataset } = options;
  const split = "train" in options.split ? options.split : makeSplit(dataset, options.split);
  const params = validateSystemParams(system as SystemDefinition, options.params ?? {}) as z.output<S>;
  const artifactDir = options.artifactDir ?? mkdtempSync(join(tmpdir(), `expbook-${system.kind}-`));
  return {
    task: dataset.task,
    labels: dataset.labels,
    ...(dataset.positiveLabel ? { positiveLabel: dataset.positiveLabel } : {}),
    ...(dataset.featureNames ? { featureNames: dataset.featureNames } : {}),
    train: split.train,
    val: split.val,
    test: split.test,
    update: split.update,
    params,
    seed: options.seed ?? split.info.seed,
    metrics: recordedMetrics(),
    artifactDir,
    artifacts: folderArtifacts(artifactDir),
    progress: () => {},
    splitFingerprint: split.info.fingerprints.split,
  };
}
