import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, test } from "node:test";

// The import rule of the source tree: systems share what they need through folders below them
// (embeddings/, priors/, systems/ for the contract), never through each other.
const root = new URL("../../", import.meta.url).pathname;
const src = join(root, "src");

/** Folders that hold a system kind; the contract in src/systems/ imports none of them. */
const systemFolders = ["finetune", "rag", "baselines", "http"];
const forbidden: Array<{ from: string; to: string[]; why: string }> = [
  { from: "rag", to: ["finetune"], why: "rag must not import finetune (share through embeddings/)" },
  {
    from: "baselines",
    to: ["rag"],
    why: "baselines must not import rag (share through embeddings/ or priors/)",
  },
  { from: "systems", to: systemFolders, why: "the system contract must not import a system" },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier a file imports: static imports, re-exports, `import type` and `import()`. */
export function importSpecifiers(text: string): string[] {
  const pattern =
    /(?:^|[^.\w])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}

/** The top folder under src/ a path is in ("" for files directly in src/). */
function folderOf(path: string): string {
  const inside = relative(src, path);
  return inside.includes("/") ? (inside.split("/")[0] ?? "") : "";
}

/** Each import that breaks a rule, as "<file> → <specifier>: <why>". */
function violations(files: Array<{ path: string; text: string }>): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = folderOf(file.path);
    for (const specifier of importSpecifiers(file.text)) {
      if (!specifier.startsWith(".")) continue;
      const to = folderOf(resolve(dirname(file.path), specifier));
      for (const rule of forbidden) {
        if (rule.from === from && rule.to.includes(to))
          found.push(`${relative(root, file.path)} → ${specifier}: ${rule.why}`);
      }
    }
  }
  return found;
}

describe("the import graph of src/", () => {
  const files = sourceFiles(src).map((path) => ({ path, text: readFileSync(path, "utf8") }));

  test("the parser sees static, type-only, re-exported and dynamic imports", () => {
    const text = [
      'import { a } from "./a.js";',
      'import type { B } from "../b/b.js";',
      "import {\n  c,\n  d,\n} from '../c/c.js';",
      'export { e } from "./e.js";',
      'const f = await import("../f/f.js");',
      'import "./side-effect.js";',
    ].join("\n");
    assert.deepEqual(importSpecifiers(text), [
      "./a.js",
      "../b/b.js",
      "../c/c.js",
      "./e.js",
      "../f/f.js",
      "./side-effect.js",
    ]);
  });

  test("each rule catches a violation", () => {
    const fake = [
      { path: join(src, "rag", "x.ts"), text: 'const m = await import("../finetune/backend.js");' },
      { path: join(src, "baselines", "y.ts"), text: 'import type { Z } from "../rag/z.js";' },
      { path: join(src, "systems", "w.ts"), text: 'export { s } from "../http/http-system.js";' },
      { path: join(src, "study", "ok.ts"), text: 'import { r } from "../rag/index.js";' },
    ];
    assert.equal(violations(fake).length, 3);
  });

  test("no import from rag/ into finetune/, from baselines/ into rag/, or from systems/ into a system", () => {
    assert.ok(files.length > 50, "found the source files");
    assert.ok(
      files.some((file) => importSpecifiers(file.text).length > 3),
      "found imports in the source files",
    );
    assert.deepEqual(violations(files), []);
  });
});
