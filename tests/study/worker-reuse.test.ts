import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "../helpers/cli.js";

// The local runner's worker processes serve every phase of a study: the selected configurations run in
// the processes that ran the trials, rather than in new ones that load Node, the study code and the
// dataset again (about 2 s a phase on spam-sweep --quick). Each run records the pid that fitted it.
const dir = mkdtempSync(join(tmpdir(), "expbook-worker-reuse-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface ShownRun {
  name: string;
  tags: Record<string, string>;
  env: { pid: number; pidStart: string | null };
}

async function studyRuns(store: string): Promise<ShownRun[]> {
  const listed = await runCli(["ls", "--store", store, "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  const ids = (JSON.parse(listed.stdout) as Array<{ id: string; tags: Record<string, string> }>)
    .filter((run) => run.tags.stage !== "study")
    .map((run) => run.id);
  return Promise.all(
    ids.map(async (id) => {
      const shown = await runCli(["show", id, "--store", store, "--json"]);
      assert.equal(shown.code, 0, shown.stderr);
      return JSON.parse(shown.stdout) as ShownRun;
    }),
  );
}

test("a study's later phases run in the worker processes of its first phase", async () => {
  const studyPath = join(dir, "reuse.json");
  writeFileSync(
    studyPath,
    JSON.stringify({
      name: "reuse",
      question: "Do the selected configurations run in the processes that ran the trials?",
      dataset: { name: "spam-assassin" },
      split: { strategy: "stratified" },
      seeds: [1],
      systems: [
        { name: "majority", kind: "majority" },
        { name: "fewshot", kind: "fewshot", sweep: { grid: { shots: [2, 4] } } },
      ],
    }),
  );
  const store = join(dir, "store");
  const run = await runCli(["run", studyPath, "--workers", "2", "--no-report", "--store", store]);
  assert.equal(run.code, 0, run.stderr);

  const runs = await studyRuns(store);
  const fitter = (shown: ShownRun) => `${shown.env.pid}@${shown.env.pidStart}`;
  assert.equal(runs.length, 4, "two trials, majority and the selected configuration");
  // The first phase: the two trials and majority (a final from the start); the second: the selected one.
  const selected = runs.find((shown) => shown.tags.stage === "final" && shown.tags.system === "fewshot");
  assert.ok(selected, "the selected configuration ran");
  const first = new Set(runs.filter((shown) => shown !== selected).map(fitter));
  assert.ok(first.size >= 1 && first.size <= 2, `the first phase ran in ${first.size} process(es)`);
  assert.ok(
    first.has(fitter(selected)),
    `the selected configuration ran in ${fitter(selected)}, the first phase in ${[...first].join(", ")}`,
  );
});
