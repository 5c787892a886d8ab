// A child process that writes through a run store, for the conformance suite:
//   node --import tsx store-writer.ts URI log EXPERIMENT COUNT      one run, COUNT points, then finish
//   node --import tsx store-writer.ts URI forever EXPERIMENT        logs until killed, printing progress
//   node --import tsx store-writer.ts URI hang EXPERIMENT           one point, flushed, then waits
//   node --import tsx store-writer.ts URI append RUN_ID COUNT BATCH appends COUNT points in batches
// Points of metric "value" have step = value = 0, 1, 2, ...; the process prints "run ID" first.
import { openStoreByUri } from "./open-store-by-uri.js";

const [uri, mode, target, countText, batchText] = process.argv.slice(2) as string[];
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const store = await openStoreByUri(uri as string, { staleAfterMs: 1_500 });

if (mode === "append") {
  const count = Number(countText);
  const batch = Number(batchText);
  const tag = process.pid;
  for (let start = 0; start < count; start += batch) {
    const points = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      points.push({ metric: `writer-${tag}`, step: i, value: i, time: Date.now() });
    }
    await store.appendPoints(target as string, points);
  }
  say(`appended ${count} writer-${tag}`);
  await store.close();
} else {
  const run = await store.startRun({ experiment: target as string, name: `${mode}-${process.pid}` });
  say(`run ${run.id}`);
  if (mode === "log") {
    const count = Number(countText);
    for (let i = 0; i < count; i++) {
      run.log("value", i, i);
      if (i % 5_000 === 4_999) await new Promise((resolve) => setImmediate(resolve));
    }
    await run.finish();
    say("finished");
    await store.close();
  } else if (mode === "hang") {
    run.log("value", 0, 0);
    await run.flush();
    say("flushed");
    setInterval(() => {}, 1_000);
  } else {
    let i = 0;
    for (;;) {
      for (let k = 0; k < 1_000; k++, i++) run.log("value", i, i);
      say(`logged ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
