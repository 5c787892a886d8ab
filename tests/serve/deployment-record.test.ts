import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  type DeploymentEvent,
  type PredictionEvent,
  exportFeedback,
  readDeploymentEvents,
  StoreError,
  summarizeDeployment,
} from "../../src/index.js";
import { createRng } from "../../src/util/random.js";
import { tempDir } from "../helpers/cli.js";
import { runPython } from "../helpers/sklearn.js";

/** A seeded record: predictions, feedback on some (some corrected twice), and document changes. */
function randomRecord(seed: number, n: number): DeploymentEvent[] {
  const rng = createRng(seed);
  const events: DeploymentEvent[] = [];
  for (let i = 0; i < n; i++) {
    const label = rng.next() < 0.4 ? "spam" : "ham";
    events.push({
      type: "prediction",
      time: 1_000 + i,
      requestId: `r${i}`,
      latencyMs: rng.next() < 0.05 ? 50 + 200 * rng.next() : 0.2 + 5 * rng.next(),
      input: { text: `text ${i}` },
      label,
      scores: { ham: label === "ham" ? 0.8 : 0.2, spam: label === "spam" ? 0.8 : 0.2 },
    });
    if (rng.next() < 0.5) {
      const truth = rng.next() < 0.8 ? label : label === "spam" ? "ham" : "spam";
      events.push({ type: "feedback", time: 2_000 + i, requestId: `r${i}`, label: truth });
      if (rng.next() < 0.1) {
        events.push({ type: "feedback", time: 3_000 + i, requestId: `r${i}`, label: label });
      }
    }
    if (rng.next() < 0.05)
      events.push({ type: "document", time: 1_000 + i, op: "add", id: `d${i}`, size: i });
  }
  return events;
}

test("summarizeDeployment: latency percentiles equal numpy's, agreement uses each request's last feedback", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const events = randomRecord(seed, 50 + seed * 37);
    const summary = summarizeDeployment(events);
    const predictions = events.filter((event): event is PredictionEvent => event.type === "prediction");
    const latencies = predictions.map((event) => event.latencyMs);
    const ref = runPython<number[]>(
      "import json, sys, numpy as np\nx = json.load(sys.stdin)\nprint(json.dumps([float(v) for v in np.percentile(x, [50, 90, 99])] + [max(x)]))",
      latencies,
    );
    assert.ok(summary.latencyMs);
    const got = [summary.latencyMs.p50, summary.latencyMs.p90, summary.latencyMs.p99, summary.latencyMs.max];
    for (const [i, value] of got.entries()) {
      assert.ok(Math.abs(value - (ref[i] as number)) < 1e-9, `seed ${seed} #${i}`);
    }
    const last = new Map<string, string>();
    for (const event of events)
      if (event.type === "feedback") last.set(event.requestId, event.label as string);
    const served = new Map(predictions.map((event) => [event.requestId, event.label]));
    const agreeing = [...last].filter(([id, label]) => served.get(id) === label).length;
    assert.equal(summary.labelledRequests, last.size);
    assert.equal(summary.feedback, events.filter((event) => event.type === "feedback").length);
    assert.equal(summary.agreement, agreeing / last.size);
    assert.equal(summary.documents.added, events.filter((event) => event.type === "document").length);
  }
  assert.equal(summarizeDeployment([]).latencyMs, null);
  assert.equal(summarizeDeployment([]).agreement, null);
});

test("readDeploymentEvents skips a last line cut short by a kill and rejects a damaged line elsewhere", () => {
  const dir = tempDir();
  try {
    const events = randomRecord(9, 20);
    const path = join(dir.path, "deployment.jsonl");
    writeFileSync(path, events.map((event) => `${JSON.stringify(event)}\n`).join(""));
    assert.deepEqual(readDeploymentEvents(path), events);
    appendFileSync(path, '{"type":"feedback","time":5,"reque');
    assert.deepEqual(readDeploymentEvents(path), events);
    const lines = readFileSync(path, "utf8").split("\n");
    lines[1] = "{not json";
    writeFileSync(path, lines.join("\n"));
    assert.throws(
      () => readDeploymentEvents(path),
      (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.match(error.message, /line 2 is not JSON/);
        return true;
      },
    );
    assert.throws(() => readDeploymentEvents(join(dir.path, "missing.jsonl")), StoreError);
  } finally {
    dir.cleanup();
  }
});

test("exportFeedback writes one row per request with feedback and a bootstrap CI around the agreement", () => {
  const dir = tempDir();
  try {
    const events = randomRecord(4, 300);
    const result = exportFeedback(events, join(dir.path, "out"), { seed: 3 });
    const rows = readFileSync(result.path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; text: string; label: string; served_label: string });
    const summary = summarizeDeployment(events);
    assert.equal(result.rows, summary.labelledRequests);
    assert.equal(rows.length, result.rows);
    assert.equal(new Set(rows.map((row) => row.id)).size, rows.length);
    for (const row of rows) assert.equal(row.text, `text ${row.id.slice(1)}`);
    assert.ok(result.live);
    assert.equal(result.live.metric, "accuracy");
    assert.equal(result.live.estimate, summary.agreement);
    assert.ok(result.live.low < result.live.estimate && result.live.estimate < result.live.high);
    assert.ok(result.live.high - result.live.low < 0.25);
    const again = exportFeedback(events, join(dir.path, "out2"), { seed: 3 });
    assert.deepEqual(again.live, result.live);
    const none = exportFeedback(
      events.filter((event) => event.type !== "feedback"),
      join(dir.path, "none"),
    );
    assert.equal(none.rows, 0);
    assert.equal(none.live, null);
  } finally {
    dir.cleanup();
  }
});

test("exportFeedback estimates MAE with a bootstrap CI when the feedback gives targets", () => {
  const dir = tempDir();
  try {
    const rng = createRng(11);
    const events: DeploymentEvent[] = [];
    const errors: number[] = [];
    for (let i = 0; i < 120; i++) {
      const value = 1900 + rng.int(100);
      events.push({
        type: "prediction",
        time: i,
        requestId: `r${i}`,
        latencyMs: 1,
        input: { text: `speech ${i}` },
        value,
      });
      if (i % 2 === 0) {
        const target = value + rng.int(21) - 10;
        events.push({ type: "feedback", time: i, requestId: `r${i}`, target });
        errors.push(Math.abs(target - value));
      }
    }
    const result = exportFeedback(events, join(dir.path, "out"), { seed: 5 });
    assert.equal(result.rows, errors.length);
    assert.ok(result.live);
    assert.equal(result.live.metric, "mae");
    assert.equal(result.live.n, errors.length);
    const mae = errors.reduce((sum, error) => sum + error, 0) / errors.length;
    assert.ok(Math.abs(result.live.estimate - mae) < 1e-12);
    assert.ok(result.live.low < mae && mae < result.live.high);
    const rows = readFileSync(result.path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(Object.keys(rows[0]).slice(0, 4), ["id", "text", "target", "served_value"]);
  } finally {
    dir.cleanup();
  }
});
