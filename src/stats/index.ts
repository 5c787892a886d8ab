// Public API of src/stats (re-exported by src/index.ts): bootstrap CIs, seed aggregation, paired tests.
export { aggregateSeeds, type SeedAggregate } from "./aggregate-seeds.js";
export {
  type BootstrapInterval,
  type BootstrapOptions,
  bootstrapCI,
  type PairedSample,
} from "./bootstrap-ci.js";
export {
  type AdjustedComparison,
  type ComparedMetric,
  type ComparePairedInput,
  type ComparePairedResult,
  comparePaired,
  compareSystems,
  type NamedComparison,
} from "./compare-paired.js";
export {
  binomialTestHalf,
  chiSquaredSf,
  studentTCdf,
  studentTQuantile,
} from "./distributions.js";
export {
  type ExpectedPerformancePoint,
  expectedValidationPerformance,
} from "./expected-validation-performance.js";
export { holmBonferroni } from "./holm-bonferroni.js";
export { type MetricRange, metricRange } from "./metric-range.js";
export { seedInterval, seedIntervalMethod } from "./seed-interval.js";
export { type McNemarResult, mcnemarTest } from "./mcnemar.js";
export { type PairedBootstrapResult, pairedBootstrap } from "./paired-bootstrap.js";
export { type PermutationTestResult, permutationTest } from "./permutation-test.js";
export { type SliceMetric, sliceMetrics } from "./slice-metrics.js";
