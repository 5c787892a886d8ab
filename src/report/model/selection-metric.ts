import type { StudyDefinitionRecord } from "../../tracker/records/index.js";

/** The selection metric's base name ("f1", "mae") and whether higher is better. */
export function selectionMetric(
  study: StudyDefinitionRecord,
  task: string,
): { base: string; higherIsBetter: boolean } {
  const select = study.select;
  // The reported test metric wins; else the metric hyperparameters were selected on.
  const raw = study.metric ?? (typeof select === "string" ? select : select?.metric);
  const base = (raw ?? (task === "regression" ? "mae" : "f1")).replace(/^(val|test)_/, "");
  const mode = typeof select === "object" ? (select.mode ?? select.goal ?? select.direction) : undefined;
  const lowerNames = ["mae", "rmse", "mse", "loss"];
  const higherIsBetter =
    mode !== undefined
      ? !/^(min|lower|minimi[sz]e)/i.test(mode)
      : !lowerNames.some((name) => base.startsWith(name));
  return { base, higherIsBetter };
}
