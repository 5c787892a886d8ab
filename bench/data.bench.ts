// Loading the whole spam-assassin corpus (6,046 e-mails) warm: the target is under 2 s. Measured in
// fresh processes (what each study worker and submitter pays once) and again in one process.
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { builtinDatasets } from "../src/data/builtin/registry.js";
import { fingerprintRows } from "../src/data/fingerprint.js";
import { makeSplit } from "../src/data/split.js";
import type { Dataset } from "../src/data/types.js";

const spam = builtinDatasets.find((dataset) => dataset.name === "spam-assassin");
if (!spam) throw new Error("spam-assassin is not registered");

function loadOnce(): { ms: number; dataset: Dataset } {
  const start = performance.now();
  const loaded = spam!.load({});
  const dataset: Dataset = {
    name: "spam-assassin",
    task: "classification",
    labels: ["ham", "spam"],
    metaColumns: [...(spam?.metaColumns ?? [])],
    rows: loaded.rows,
    fingerprint: loaded.fingerprint ?? fingerprintRows(loaded.rows),
    source: loaded.source,
  };
  return { ms: performance.now() - start, dataset };
}

loadOnce(); // warm the file-system cache (and build the corpus cache file on a first run)
const child = new URL("./load-corpus-child.ts", import.meta.url).pathname;
const fresh = Array.from({ length: 5 }, () => {
  const out = execFileSync(process.execPath, ["--import", "tsx", child], { encoding: "utf8" });
  return JSON.parse(out) as { ms: number; cpuMs: number };
}).sort((a, b) => a.ms - b.ms);
console.log(
  `spam-assassin first load in a fresh process (rows + fingerprint): median ${fresh[2]?.ms.toFixed(0)} ms wall, ${fresh[2]?.cpuMs.toFixed(0)} ms CPU; best ${fresh[0]?.ms.toFixed(0)} ms`,
);
const times: number[] = [];
let dataset: Dataset | undefined;
for (let i = 0; i < 5; i++) {
  const result = loadOnce();
  times.push(result.ms);
  dataset = result.dataset;
}
times.sort((a, b) => a - b);
console.log(
  `spam-assassin load + fingerprint (6,046 rows), again in one process: median ${times[2]?.toFixed(0)} ms, best ${times[0]?.toFixed(0)} ms (target < 2000 ms)`,
);

const splitTimes: number[] = [];
for (let seed = 1; seed <= 5; seed++) {
  const start = performance.now();
  makeSplit(dataset!, { strategy: "stratified", seed });
  splitTimes.push(performance.now() - start);
}
splitTimes.sort((a, b) => a - b);
console.log(`stratified split of spam-assassin: median ${splitTimes[2]?.toFixed(0)} ms`);

// A 500,000-row CSV, loaded and split stratified (the target is under 15 s). Rows are spread over
// 7 labels with some repeated texts, so identical-text units and several classes are exercised.
{
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir, loadavg } = await import("node:os");
  const { join } = await import("node:path");
  const { loadDataset } = await import("../src/data/load-dataset.js");
  const dir = mkdtempSync(join(tmpdir(), "expbook-bench-"));
  try {
    const path = join(dir, "big.csv");
    const lines = ["text,label"];
    for (let i = 0; i < 500_000; i++) lines.push(`"message ${i % 450_000} about topic ${i % 991}",c${i % 7}`);
    writeFileSync(path, `${lines.join("\n")}\n`);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const big = await loadDataset(path, { text: "text", label: "label" });
    const loaded = performance.now();
    makeSplit(big, { strategy: "stratified", seed: 1 });
    const done = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    console.log(
      `500,000-row CSV: load ${((loaded - start) / 1000).toFixed(1)} s + stratified split ${((done - loaded) / 1000).toFixed(1)} s = ${((done - start) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (target < 15 s; load average ${loadavg()[0]?.toFixed(1)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
