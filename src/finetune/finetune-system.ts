import type { SystemContext, SystemDefinition, SystemOutput } from "../systems/system.js";
import { defineSystem } from "../systems/define-system.js";
import { type FinetuneParams, finetuneParams } from "./params.js";

// The training code (and TensorFlow.js with it) loads with the first run, so checking a study's params
// (which only needs this definition) does not pay for importing TensorFlow.js.
async function runFinetune(context: SystemContext<FinetuneParams>): Promise<SystemOutput> {
  return (await import("./finetune-run.js")).runFinetune(context);
}

/** The fine-tuning system: an embedding bag, 1-D CNN or MLP trained with TensorFlow.js. */
export const finetuneSystem: SystemDefinition<typeof finetuneParams> = defineSystem({
  kind: "finetune",
  description:
    "fine-tuned embedding-bag / 1-D CNN text model (GloVe or random init) or tabular MLP, TensorFlow.js",
  params: finetuneParams,
  tfjs: true,
  run: runFinetune,
});

/** The definition the study runner loads (built-ins take the same path as a user's module). */
export default finetuneSystem;
