import type { z } from "zod";
import { cachedEmbeddings } from "../cache/pooled-vector-cache.js";
import type { Example } from "../data/types.js";
import { tokenize } from "../data/tokenize.js";
import { loadPretrainedVectors } from "../embeddings/pretrained-vectors.js";
import { normalised } from "../embeddings/normalise.js";
import { meanVectorEmbedder, type TextEmbedder } from "../embeddings/text-embedder.js";
import type { Prediction, SystemDefinition } from "../systems/system.js";
import { defineSystem } from "../systems/define-system.js";
import { createRng } from "../util/random.js";
import { textOf } from "./text-of.js";
import { lazySchema } from "../util/lazy-schema.js";

/** Params of the "fewshot" system. */
export const fewshotParams = lazySchema(({ z }) =>
  z
    .object({
      /** Labelled examples drawn per class (regression: in all). */
      shots: z.number().int().min(1).default(8),
      /** Regression: predict the mean target of this many most similar shots. */
      neighbours: z.number().int().min(1).default(3),
    })
    .strict(),
);

/** Validated params of the "fewshot" system. */
export type FewshotParams = z.output<typeof fewshotParams>;

/**
 * Few-shot nearest prototype: draws `shots` training examples per class (seeded), averages their
 * normalised mean-word-vector embeddings into one prototype per class, and predicts the class whose
 * prototype is most cosine-similar (scores are the cosines). Regression draws `shots` examples and
 * predicts the mean target of the `neighbours` most similar ones.
 */
export const fewshotSystem: SystemDefinition<typeof fewshotParams> = defineSystem({
  kind: "fewshot",
  description: "k labelled examples per class, nearest class prototype in mean word-vector space",
  params: fewshotParams,
  run: async (context) => {
    const embedder = meanVectorEmbedder(await loadPretrainedVectors());
    const rng = createRng(context.seed).fork("fewshot");
    // Every validation and test row is embedded: through the derived cache, shared with other runs.
    const heldOut = [...context.val, ...context.test];
    const heldOutVectors = cachedEmbeddings(
      heldOut.map((row) => textOf(row, "fewshot")),
      embedder,
    );
    const vectorOf = new Map(heldOut.map((row, i) => [row, heldOutVectors[i]]));
    const embed = (row: Example) =>
      normalised(vectorOf.get(row) ?? embedder.embed(tokenize(textOf(row, "fewshot"))));
    let predict: (row: Example) => Prediction;
    let drawn = 0;
    if (context.task === "classification") {
      const prototypes = context.labels.map((label) => {
        const pool = context.train.filter((row) => row.label === label);
        const shots = rng.shuffle([...pool]).slice(0, context.params.shots);
        drawn += shots.length;
        return { label, vector: prototypeOf(shots.map(embed), embedder) };
      });
      predict = (row) => {
        const v = embed(row);
        const scores: Record<string, number> = {};
        let best = prototypes[0]?.label ?? "";
        for (const prototype of prototypes) {
          scores[prototype.label] = cosine(v, prototype.vector);
          if ((scores[prototype.label] as number) > (scores[best] ?? Number.NEGATIVE_INFINITY))
            best = prototype.label;
        }
        return { id: row.id, label: best, scores };
      };
    } else {
      const shots = rng
        .shuffle(context.train.filter((row) => row.target !== undefined))
        .slice(0, context.params.shots)
        .map((row) => ({ vector: embed(row), target: row.target as number }));
      drawn = shots.length;
      predict = (row) => {
        const v = embed(row);
        const nearest = shots
          .map((shot, i) => ({ i, similarity: cosine(v, shot.vector), target: shot.target }))
          .sort((a, b) => b.similarity - a.similarity || a.i - b.i)
          .slice(0, context.params.neighbours);
        const value = nearest.reduce((sum, shot) => sum + shot.target, 0) / Math.max(1, nearest.length);
        return { id: row.id, value };
      };
    }
    return {
      valPredictions: context.val.map(predict),
      testPredictions: context.test.map(predict),
      summary: { shots_drawn: drawn, embedder: embedder.name },
    };
  },
});

/** The definition the study runner loads (built-ins take the same path as a user's module). */
export default fewshotSystem;

function prototypeOf(vectors: Float32Array[], embedder: TextEmbedder): Float32Array {
  const sum = new Float32Array(embedder.dim);
  for (const v of vectors)
    for (let j = 0; j < sum.length; j++) sum[j] = (sum[j] as number) + (v[j] as number);
  return normalised(sum);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}
