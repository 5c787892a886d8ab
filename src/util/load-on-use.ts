import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * The modules that expbook's entries load at their first use instead of at import. Each is one instance
 * however it is loaded (a Node built-in, or a CommonJS package, which `import` also takes from the
 * require cache), so requiring it here gives the module an `import` elsewhere gives.
 */
interface OnUseModules {
  "node:child_process": typeof import("node:child_process");
  "node:crypto": typeof import("node:crypto");
  papaparse: typeof import("papaparse");
}

/**
 * A module loaded at its first use: `node:crypto` and `node:child_process` cost a few milliseconds
 * each at start-up and papaparse (CommonJS, parsed whole) tens, which an import of `expbook` or
 * `expbook/tracker` need not pay when it reads no CSV and starts no process.
 * @example loadOnUse("node:crypto").randomBytes(5)
 */
export function loadOnUse<Name extends keyof OnUseModules>(name: Name): OnUseModules[Name] {
  return require(name) as OnUseModules[Name];
}
