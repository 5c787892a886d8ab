import { createRng } from "../../util/random.js";
import type { ErrorExample } from "../report-model.js";
import type { ResultRun } from "./load-study.js";

/** How far off a prediction is: 1 for a wrong class, the absolute error for regression. */
function errorSize(yTrue: string | number, yPred: string | number): number {
  if (typeof yTrue === "number" && typeof yPred === "number") return Math.abs(yTrue - yPred);
  return String(yTrue) === String(yPred) ? 0 : 1;
}

/** Keeps at most `maxLength` characters, marking the cut. */
function clip(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/**
 * A seeded sample of test errors, spread evenly over the result groups (regression: the largest
 * errors of each group, sampled from its worst quarter). Citations are capped at 5 per error and
 * snippets at 200 characters so the report stays small.
 */
export function sampleErrors(
  runs: readonly ResultRun[],
  task: string,
  limit = 20,
  seed = 0,
): { errors: ErrorExample[]; total: number } {
  const groups = [...new Set(runs.map((run) => run.group))];
  const byGroup = new Map<string, ErrorExample[]>();
  let total = 0;
  for (const run of runs) {
    for (const p of run.predictions) {
      if (p.split !== "test" || errorSize(p.y_true, p.y_pred) === 0) continue;
      total++;
      const list = byGroup.get(run.group) ?? [];
      list.push({
        system: run.group,
        runId: run.record.id,
        seed: run.seed,
        id: p.id,
        yTrue: p.y_true,
        yPred: p.y_pred,
        citations: (p.citations ?? [])
          .slice(0, 5)
          .map((c) => (c.snippet === undefined ? c : { ...c, snippet: clip(c.snippet, 200) })),
        meta: p.meta,
      });
      byGroup.set(run.group, list);
    }
  }
  const rng = createRng(seed);
  const perGroup = Math.max(1, Math.ceil(limit / Math.max(1, byGroup.size)));
  const errors: ErrorExample[] = [];
  for (const group of groups) {
    let pool = byGroup.get(group) ?? [];
    if (task === "regression") {
      pool = [...pool].sort((a, b) => errorSize(b.yTrue, b.yPred) - errorSize(a.yTrue, a.yPred));
      pool = pool.slice(0, Math.max(perGroup, Math.ceil(pool.length / 4)));
    }
    errors.push(
      ...rng
        .fork(group)
        .shuffle([...pool])
        .slice(0, perGroup),
    );
  }
  return { errors: errors.slice(0, limit), total };
}
