import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { studyLockPath } from "../../src/study/study-lock.js";
import { tempDir } from "../helpers/cli.js";

const work = tempDir("expbook-study-lock-");
after(work.cleanup);
const contenderScript = new URL("./fixtures/lock-contender.ts", import.meta.url).pathname;

interface Contender {
  child: ChildProcessWithoutNullStreams;
  /** The contender's next line of output. */
  next(): Promise<string>;
}

function startContender(): Contender {
  const child = spawn(process.execPath, ["--import", "tsx", contenderScript], { stdio: "pipe" });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`contender ${child.pid} exited`);
      return value;
    },
  };
}

/** A pid no process has now: that of a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", "0"]).pid;
  assert.ok(pid !== undefined);
  return pid;
}

test("processes that all find a study lock stale take it over one at a time: exactly one wins, every round", async () => {
  const contenders = Array.from({ length: 4 }, startContender);
  try {
    const rounds = 30;
    const winners = new Map<number, number>();
    for (let round = 0; round < rounds; round++) {
      const store = join(work.path, `store-${round}`);
      const lock = studyLockPath(store, "race");
      mkdirSync(join(store, "locks"), { recursive: true });
      // The lock of a study process that was killed; in odd rounds as older versions wrote it (no
      // token), and every third round also with the marker of a taker that died mid-takeover.
      const token = round % 2 === 0 ? (round + 1).toString(16).padStart(16, "0") : undefined;
      const dead = { host: hostname(), pid: deadPid(), pidStart: null, since: new Date().toISOString() };
      writeFileSync(lock, `${JSON.stringify({ ...dead, token })}\n`);
      const deadTaker =
        token !== undefined && round % 3 === 0 ? `study-race.lock.takeover-${token}-0` : undefined;
      if (deadTaker !== undefined)
        writeFileSync(join(store, "locks", deadTaker), `${JSON.stringify({ ...dead, pid: deadPid() })}\n`);
      const at = Date.now() + 300;
      for (const { child } of contenders) child.stdin.write(`go ${store} ${at}\n`);
      const answers = await Promise.all(contenders.map((contender) => contender.next()));
      const won = contenders.filter((_, index) => answers[index] === "won");
      assert.equal(won.length, 1, `round ${round}: ${answers.join(" | ")}`);
      const winner = won[0]?.child.pid as number;
      winners.set(winner, (winners.get(winner) ?? 0) + 1);
      const held = JSON.parse(readFileSync(lock, "utf8")) as { pid: number };
      assert.equal(held.pid, winner, `round ${round}: the lock file names the winner`);
      for (const answer of answers.filter((text) => text !== "won")) {
        assert.match(
          answer,
          new RegExp(`^busy study race is already running .*\\(host .*, pid ${winner}, since`),
        );
      }
      for (const { child } of contenders) child.stdin.write("release\n");
      await Promise.all(contenders.map((contender) => contender.next()));
      assert.ok(!existsSync(lock), `round ${round}: the winner's release removes the lock`);
      assert.deepEqual(
        readdirSync(join(store, "locks")),
        deadTaker === undefined ? [] : [deadTaker],
        `round ${round}: no temp or marker file is left`,
      );
    }
    // The race was real: more than one contender won some round.
    assert.ok(winners.size > 1, `winners: ${[...winners].join(", ")}`);
  } finally {
    for (const { child } of contenders) child.stdin.end();
  }
});
