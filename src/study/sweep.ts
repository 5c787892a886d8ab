import { sha256 } from "../util/hash.js";
import { createRng } from "../util/random.js";
import type { StudySystem } from "./schema.js";

/** One hyperparameter configuration to try. */
export type TrialParams = Record<string, string | number | boolean>;

type Range = { min: number; max: number; log: boolean; integer: boolean };

function cartesian(
  entries: ReadonlyArray<[string, ReadonlyArray<string | number | boolean>]>,
): TrialParams[] {
  return entries.reduce<TrialParams[]>(
    (trials, [key, values]) => trials.flatMap((trial) => values.map((value) => ({ ...trial, [key]: value }))),
    [{}],
  );
}

function sampleRange(range: Range, u: number): number {
  const value = range.log
    ? Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min)))
    : range.min + u * (range.max - range.min);
  return range.integer ? Math.round(value) : Number(value.toPrecision(6));
}

/**
 * The trials of a system's sweep: the full grid (in the order keys and values are written), or
 * `budget` seeded random draws (the same draws for the same study and system, on every machine).
 * A system without a sweep has one trial: no overrides.
 */
export function sweepTrials(studyName: string, system: StudySystem, maxTrials?: number): TrialParams[] {
  const sweep = system.sweep;
  let trials: TrialParams[];
  if (!sweep) trials = [{}];
  else if ("grid" in sweep) trials = cartesian(Object.entries(sweep.grid));
  else {
    const rng = createRng(Number.parseInt(sha256(`${studyName}/${system.name}`).slice(0, 8), 16));
    trials = Array.from({ length: sweep.budget }, () => {
      const trial: TrialParams = {};
      for (const [key, space] of Object.entries(sweep.random)) {
        trial[key] = Array.isArray(space)
          ? (space[rng.int(space.length)] as string | number | boolean)
          : sampleRange(space as Range, rng.next());
      }
      return trial;
    });
  }
  return maxTrials === undefined ? trials : trials.slice(0, maxTrials);
}
