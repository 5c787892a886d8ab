// expbook's public API: everything notebooks and other programs import from "expbook".
export * from "./baselines/index.js";
export * from "./data/index.js";
export * from "./finetune/index.js";
export * from "./metrics/index.js";
export * from "./rag/index.js";
export * from "./report/index.js";
export * from "./serve/index.js";
export * from "./stats/index.js";
export * from "./study/index.js";
export * from "./systems/index.js";
export * from "./tracker/index.js";
export * from "./util/errors.js";
export { createRng, type Rng } from "./util/random.js";
