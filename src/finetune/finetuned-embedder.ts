import { InputError } from "../util/errors.js";
import type { DisposableEmbedder } from "../embeddings/text-embedder.js";

/**
 * The pooled embedding of a fine-tuned text model (saved by a finetune run in `modelDir`): the mean of
 * the fine-tuned table rows of the text's in-vocabulary tokens, truncated to the model's `maxTokens`,
 * exactly the vector the bag model feeds its head. TensorFlow.js (needed to read the model) is loaded
 * only when this is called.
 */
export async function loadFinetunedEmbedder(modelDir: string, name: string): Promise<DisposableEmbedder> {
  const [{ selectBackend }, { loadModel }, { encodeTexts, vocabularyFromWords }] = await Promise.all([
    import("./backend.js"),
    import("./model-artifact.js"),
    import("./vocabulary.js"),
  ]);
  await selectBackend();
  const model = await loadModel(modelDir);
  const table = model.network.table;
  if (table === undefined || model.meta.vocabulary === undefined) {
    model.dispose();
    throw new InputError(
      `${name} is a tabular (mlp) model with no text embedding; pick a finetune run of a text model (bag or cnn)`,
    );
  }
  const vocabulary = vocabularyFromWords(model.meta.vocabulary);
  const { maxTokens } = model.meta;
  return {
    name,
    dim: table.dim,
    embed: (tokens) => table.meanBag(encodeTexts([tokens], vocabulary, maxTokens), [0]),
    dispose: () => model.dispose(),
  };
}
