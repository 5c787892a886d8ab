import type { Example } from "../data/types.js";
import type { Prediction } from "../systems/system.js";

interface Waiting {
  examples: readonly Example[];
  resolve: (predictions: Prediction[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the inputs of requests that arrive in the same event-loop turn and predicts them in one
 * call (up to `maxRows` rows), so concurrent single-text requests share one forward pass. Results
 * are the same as predicting each request alone.
 */
export class PredictionBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private readonly predictRows: (examples: readonly Example[]) => Prediction[];
  private readonly maxRows: number;

  constructor(predictRows: (examples: readonly Example[]) => Prediction[], maxRows = 256) {
    this.predictRows = predictRows;
    this.maxRows = maxRows;
  }

  /** Predicts the examples, batched with those of other requests waiting now. */
  predict(examples: readonly Example[]): Promise<Prediction[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ examples, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    let start = 0;
    while (start < all.length) {
      // Take whole requests until the rows would pass maxRows (a request is never split).
      let end = start;
      let rows = 0;
      while (
        end < all.length &&
        (end === start || rows + (all[end] as Waiting).examples.length <= this.maxRows)
      ) {
        rows += (all[end] as Waiting).examples.length;
        end++;
      }
      const group = all.slice(start, end);
      start = end;
      try {
        const predictions = this.predictRows(group.flatMap((item) => item.examples));
        let offset = 0;
        for (const item of group) {
          item.resolve(predictions.slice(offset, offset + item.examples.length));
          offset += item.examples.length;
        }
      } catch (error) {
        for (const item of group) item.reject(error);
      }
    }
  }
}
