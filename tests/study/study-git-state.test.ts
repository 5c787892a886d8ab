import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { openTracker } from "../../src/index.js";
import { runCli, tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-git-state-");
after(work.cleanup);

// A stand-in for git on PATH that logs every call: a dirty tree, so one capture asks three questions.
const bin = join(work.path, "bin");
const log = join(work.path, "git-calls.log");
mkdirSync(bin);
writeFileSync(
  join(bin, "git"),
  `#!/bin/sh
echo "$*" >> '${log}'
case "$1" in
  rev-parse) echo 0123456789abcdef0123456789abcdef01234567 ;;
  status) echo " M notes.txt" ;;
  diff) echo "-old" ; echo "+new" ;;
esac
`,
);
chmodSync(join(bin, "git"), 0o755);

test("a study asks git once, and every run records the study's git state", async () => {
  const study = {
    name: "git-once",
    question: "Do the workers of a study reuse the runner's git state?",
    dataset: { name: "sotu" },
    split: { strategy: "group", by: "president" },
    seeds: [1, 2],
    systems: [
      { name: "majority", kind: "majority" },
      { name: "majority-again", kind: "majority" },
    ],
  };
  const studyPath = join(work.path, "study.json");
  writeFileSync(studyPath, JSON.stringify(study));
  const store = join(work.path, "store");
  const result = await runCli(["run", studyPath, "--store", store, "--workers", "2", "--no-report"], {
    cwd: work.path,
    env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
  });
  assert.equal(result.code, 0, result.stderr);
  const calls = readFileSync(log, "utf8").trim().split("\n");
  assert.deepEqual(calls, ["rev-parse HEAD", "status --porcelain", "diff HEAD"]);
  const tracker = await openTracker({ store });
  const runs = await tracker.runs({ experiment: "git-once" });
  assert.equal(runs.length, 5, "the study run and four job runs");
  const states = runs.map(({ env }) => ({
    commit: env.gitCommit,
    dirty: env.gitDirty,
    diff: env.gitDiffHash,
  }));
  for (const state of states) {
    assert.equal(state.commit, "0123456789abcdef0123456789abcdef01234567");
    assert.equal(state.dirty, true);
    assert.match(state.diff ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(state, states[0]);
  }
});
