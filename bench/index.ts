// `npm run bench [-- NAME...]`: runs the named benchmarks (all when none is named). Each prints its
// figures and, where a peer is named, the ratio against that peer measured in the same run.
const benchmarks: Record<string, () => Promise<unknown>> = {
  finetune: () => import("./finetune.bench.js"),
  data: () => import("./data.bench.js"),
  tracker: () => import("./tracker.bench.js"),
  rag: () => import("./rag.bench.js"),
  stats: () => import("./stats.bench.js"),
  startup: () => import("./startup.bench.js"),
  serve: () => import("./serve.bench.js"),
  http: () => import("./http.bench.js"),
  store: () => import("./store.bench.js"),
  distributed: () => import("./distributed.bench.js"),
  study: () => import("./study.bench.js"),
};

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const names = requested.length > 0 ? requested : Object.keys(benchmarks);
for (const name of names) {
  const load = benchmarks[name];
  if (!load) {
    process.stderr.write(
      `bench: unknown benchmark "${name}"; choose from ${Object.keys(benchmarks).join(", ")}\n`,
    );
    process.exit(2);
  }
  process.stdout.write(`\n## ${name}\n`);
  await load();
}
