import { InputError } from "../util/errors.js";
import { checkPaired, uniqueLabels } from "./validate.js";

/** A confusion matrix: `matrix[i][j]` counts examples of true class `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrix {
  labels: string[];
  matrix: number[][];
}

/**
 * Counts true × predicted classes (sklearn's `confusion_matrix`). `labels` fixes the order and subset;
 * by default the sorted union of both arrays. Examples whose class is not in `labels` are left out.
 */
export function confusionMatrix(
  yTrue: readonly string[],
  yPred: readonly string[],
  labels?: readonly string[],
): ConfusionMatrix {
  checkPaired("confusionMatrix", yTrue, yPred);
  const order = labels ? [...labels] : uniqueLabels(yTrue, yPred);
  if (order.length === 0) throw new InputError("confusionMatrix: labels is empty; pass at least one label");
  const index = new Map(order.map((label, i) => [label, i]));
  if (index.size !== order.length)
    throw new InputError("confusionMatrix: labels has duplicates; list each once");
  if (labels && !yTrue.some((label) => index.has(label))) {
    throw new InputError("confusionMatrix: none of the given labels occurs in y_true; check the label names");
  }
  const matrix = order.map(() => order.map(() => 0));
  for (let k = 0; k < yTrue.length; k++) {
    const i = index.get(yTrue[k] as string);
    const j = index.get(yPred[k] as string);
    if (i === undefined || j === undefined) continue;
    const row = matrix[i] as number[];
    row[j] = (row[j] as number) + 1;
  }
  return { labels: order, matrix };
}
