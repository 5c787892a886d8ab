import { checkPaired } from "./validate.js";

/** Fraction of examples whose prediction equals the truth (sklearn's `accuracy_score`). */
export function accuracyScore(yTrue: readonly string[], yPred: readonly string[]): number {
  checkPaired("accuracyScore", yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}
