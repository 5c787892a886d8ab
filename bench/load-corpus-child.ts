// One fresh process's first load of spam-assassin (rows and fingerprint), as each study worker pays
// it: prints `{"ms": wall, "cpuMs": CPU}` as JSON. Run by data.bench.ts.
import { loadDataset } from "../src/data/load-dataset.js";

const cpu = process.cpuUsage();
const start = performance.now();
const dataset = await loadDataset("spam-assassin");
const used = process.cpuUsage(cpu);
if (dataset.rows.length !== 6046) throw new Error(`spam-assassin has ${dataset.rows.length} rows`);
console.log(JSON.stringify({ ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }));
