#!/usr/bin/env node
// Builds dist/: `tsc` type-checks and emits the .d.ts files, esbuild bundles the JavaScript. Start-up
// cost is mostly per module (resolve, read, compile: about 1 ms each), so the package's entry points
// (package.json "exports", the CLI and the study worker that is forked by path) are bundled with code
// splitting: each source module lives in exactly one file of dist/ (one instance across entries, so
// `instanceof` and module state hold between `expbook`, `expbook/tracker` and the CLI), npm packages
// stay external, and a lazy `import()` of code no entry loads at import stays a lazy chunk.
//
// Plain code splitting makes one chunk per set of entries that reach a module, about 120 small files.
// Two groups keep the files an import loads few: the tracker (the static closure of
// src/tracker/index.ts, src/metrics/index.ts and src/stats/index.ts) and the root (that of
// src/index.ts, less the tracker's). Every module outside a
// group, and every entry, imports the group's anchors first, so each group's modules are reached by
// the same entries and land in one chunk. Inside a group, an `import()` of a module the group already
// loads statically becomes that module's namespace (it is evaluated by then anyway).
// The price: `expbook/metrics` and `expbook/stats` load the tracker's chunk, and `expbook/data`,
// `expbook/report` and `expbook/study` the root's (still without TensorFlow.js, danfojs or lowdb):
// one file of more code costs less than many files of less.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const dist = join(root, "dist");
const src = join(root, "src");

/** Entry points, by output name (dist/<name>.js): the package's exports and what is launched by path. */
function entryPoints() {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const names = Object.values(manifest.exports)
    .map((target) => (typeof target === "string" ? target : target.default))
    .filter((file) => file.startsWith("./dist/") && file.endsWith(".js"))
    .map((file) => file.slice("./dist/".length, -".js".length));
  return [...names, "cli/main", "study/worker-main"];
}

const common = {
  bundle: true,
  format: "esm",
  splitting: true,
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
};

/** The source files the anchors load statically (import statements, followed; not `import()`s). */
async function staticClosure(...anchors) {
  const { metafile } = await build({
    ...common,
    entryPoints: anchors,
    outdir: join(dist, ".probe"),
    write: false,
    metafile: true,
  });
  const seen = new Set();
  const walk = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const edge of metafile.inputs[path]?.imports ?? []) {
      if (edge.kind === "import-statement" && !edge.external) walk(edge.path);
    }
  };
  for (const anchor of anchors) walk(relativeToRoot(anchor));
  return new Set([...seen].map((path) => resolve(root, path)));
}

function relativeToRoot(path) {
  return path.slice(root.length + 1);
}

/** The groups, outermost first: each with its anchor files and its members (absolute source paths). */
async function groups() {
  const found = [];
  const anchorLists = [
    ["tracker/index.ts", "metrics/index.ts", "stats/index.ts"].map((file) => join(src, file)),
    [join(src, "index.ts")],
  ];
  for (const anchors of anchorLists) {
    const members = await staticClosure(...anchors);
    for (const outer of found) for (const path of outer.members) members.delete(path);
    found.push({ anchors, members });
  }
  return found;
}

/** The esbuild plugin that makes every entry and every module outside a group load the group first. */
function groupPlugin(groupList) {
  const importOf = (group) => group.anchors.map((anchor) => `import ${JSON.stringify(anchor)};`).join("");
  return {
    name: "expbook-groups",
    setup(builder) {
      builder.onResolve({ filter: /^entry:/ }, (args) => ({ path: args.path.slice(6), namespace: "entry" }));
      builder.onLoad({ filter: /.*/, namespace: "entry" }, async (args) => {
        // An entry loads the groups it reaches beyond its own index file (`expbook/metrics` reaches the
        // tracker's metric modules, not the root's).
        const reached = await staticClosure(args.path);
        reached.delete(args.path);
        const needed = groupList.filter((group) => [...reached].some((path) => group.members.has(path)));
        return {
          contents: `${needed.map(importOf).join("")}export * from ${JSON.stringify(args.path)};`,
          resolveDir: root,
          loader: "js",
        };
      });
      builder.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
        let text = readFileSync(args.path, "utf8");
        const own = groupList.findIndex((group) => group.members.has(args.path));
        const loaded = own === -1 ? groupList : groupList.slice(0, own + 1);
        // Written before the first line, so line numbers (and the source map) stay as they are.
        let prefix = (own === -1 ? groupList : groupList.slice(0, own)).map(importOf).join("");
        // A lazy `import()` of a module this file's groups load statically (not a type's `typeof import`).
        let count = 0;
        text = text.replace(
          /(?<!typeof\s*)\bimport\((["'])(\.{1,2}\/[^"']+)\1\)/g,
          (whole, _quote, specifier) => {
            const target = resolve(dirname(args.path), specifier.replace(/\.js$/, ".ts"));
            if (!loaded.some((group) => group.members.has(target))) return whole;
            const name = `__expbookStatic${count++}`;
            prefix += `import * as ${name} from ${JSON.stringify(specifier)};`;
            return `Promise.resolve(${name})`;
          },
        );
        return { contents: prefix + text, loader: "ts" };
      });
    },
  };
}

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    join(root, "node_modules", "typescript", "bin", "tsc"),
    "-p",
    join(root, "tsconfig.build.json"),
    "--emitDeclarationOnly",
  ],
  { stdio: "inherit" },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const groupList = await groups();
await build({
  ...common,
  entryPoints: entryPoints().map((name) => ({ in: `entry:${join(src, `${name}.ts`)}`, out: name })),
  outdir: dist,
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  plugins: [groupPlugin(groupList)],
});
