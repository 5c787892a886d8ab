import type { Example } from "../data/types.js";
import { loadTfidfLogregModel, predictTfidfLogreg } from "../baselines/tfidf-logreg-model.js";
import { ModelError } from "../util/errors.js";
import type { RunPredictor } from "./run-predictor.js";

/** A tfidf-logreg run's saved vocabulary, idf and weights, ready to predict texts as the run did. */
export function loadTfidfLogregPredictor(runId: string, artifactDir: string): RunPredictor {
  const model = loadTfidfLogregModel(artifactDir);
  return {
    runId,
    kind: "tfidf-logreg",
    task: model.task,
    labels: model.task === "classification" ? model.labels : [],
    input: "text",
    backend: "js",
    predict: (examples: readonly Example[]) => {
      const missing = examples.find((example) => example.text === undefined);
      if (missing)
        throw new ModelError(`run ${runId} is a text model; give input "${missing.id}" a "text" field`);
      return examples.map((example) => predictTfidfLogreg(model, example));
    },
    dispose: () => {},
  };
}
