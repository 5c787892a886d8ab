import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type * as Zod from "zod";

/** The zod module, as the record schemas build themselves with it. */
export type ZodModule = typeof Zod;

let zodModule: ZodModule | undefined;

// zod (about 95 modules) is most of what `import "expbook/tracker"` would load, and a listing, a run or a
// log validates no record: the schemas are built at their first use. Reads are synchronous, so zod is
// required, not imported. Requiring its ES module entry (Node >= 20.19) shares the instance that
// `import "zod"` loads elsewhere in expbook; older Node versions fall back to zod's CommonJS build.
function loadZod(): ZodModule {
  if (zodModule !== undefined) return zodModule;
  const require = createRequire(import.meta.url);
  try {
    zodModule = require(fileURLToPath(import.meta.resolve("zod"))) as ZodModule;
  } catch {
    zodModule = require("zod") as ZodModule;
  }
  return zodModule;
}

/**
 * A zod schema built at its first use: the value acts as the schema `build` returns (parse it, extend
 * it, wrap it with `.optional()`), but zod is loaded only when one of its members is read.
 * @example const stageSchema = lazySchema(({ z }) => z.enum(["trial", "final"]));
 */
export function lazySchema<T extends object>(build: (zod: ZodModule) => T): T {
  let schema: T | undefined;
  const real = (): T => {
    schema ??= build(loadZod());
    return schema;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const target = real();
      const value: unknown = Reflect.get(target, key, target);
      // Methods run on the schema itself, so what they return (a wrapped or parsed copy) is plain zod.
      return typeof value === "function" ? value.bind(target) : value;
    },
    has: (_, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
