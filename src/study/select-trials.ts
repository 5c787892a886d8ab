import type { StudyJob } from "./plan.js";
import type { TrialParams } from "./sweep.js";

/** True when a smaller value of the metric is better (errors), false for scores. */
export function lowerIsBetter(metric: string): boolean {
  return /(^|_)(mae|rmse|mse|loss|error|mape)$/.test(metric);
}

/** The chosen configuration of one swept system (per labelled size). */
export interface TrialSelection {
  system: string;
  labelled?: number;
  trial: number;
  trialParams: TrialParams;
  /** Mean validation metric of the chosen trial over seeds. */
  value: number;
  /** Mean validation metric of every trial (index = trial). */
  trialValues: number[];
}

/**
 * Picks, for every swept system (and labelled size), the trial whose validation metric averaged over
 * seeds is best. Test data plays no part. Ties go to the earlier trial.
 */
export function selectTrials(
  trialJobs: readonly StudyJob[],
  metricOfJob: (job: StudyJob) => number | undefined,
  metric: string,
): TrialSelection[] {
  const groups = new Map<string, StudyJob[]>();
  for (const job of trialJobs) {
    if (job.stage !== "trial" || job.trial === undefined) continue;
    const key = JSON.stringify([job.system, job.labelled ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  const lower = lowerIsBetter(metric);
  const selections: TrialSelection[] = [];
  for (const jobs of groups.values()) {
    const trialCount = Math.max(...jobs.map((job) => (job.trial as number) + 1));
    const trialValues = Array.from({ length: trialCount }, (_, trial) => {
      const values = jobs
        .filter((job) => job.trial === trial)
        .map(metricOfJob)
        .filter((v): v is number => v !== undefined && Number.isFinite(v));
      return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
    });
    let best = -1;
    trialValues.forEach((value, trial) => {
      if (Number.isNaN(value)) return;
      const current = trialValues[best];
      if (best < 0 || current === undefined || (lower ? value < current : value > current)) best = trial;
    });
    if (best < 0) continue;
    const first = jobs.find((job) => job.trial === best) as StudyJob;
    selections.push({
      system: first.system,
      ...(first.labelled !== undefined ? { labelled: first.labelled } : {}),
      trial: best,
      trialParams: first.trialParams ?? {},
      value: trialValues[best] as number,
      trialValues,
    });
  }
  return selections;
}
