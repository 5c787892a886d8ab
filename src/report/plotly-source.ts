import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { StoreError } from "../util/errors.js";

let cached: string | undefined;

/**
 * plotly.js-dist-min's minified bundle, read from node_modules, ready to inline in a `<script>`
 * element (any `</script` inside is written `<\/script`, which JavaScript reads the same).
 */
export function plotlySource(): string {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    let path: string;
    try {
      path = require.resolve("plotly.js-dist-min");
    } catch {
      throw new StoreError("plotly.js-dist-min is not installed: run `npm ci` in the expbook checkout");
    }
    cached = readFileSync(path, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return cached;
}
