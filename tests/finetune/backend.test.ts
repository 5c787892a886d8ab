import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/finetune/index.js";
import { ModelError } from "../../src/util/errors.js";

test("selectBackend picks the fastest available backend, honours a forced one and EXPBOOK_BACKEND", async () => {
  const saved = process.env.EXPBOOK_BACKEND;
  try {
    delete process.env.EXPBOOK_BACKEND;
    const auto = await selectBackend();
    // tfjs-node is optional and not installed in CI, so wasm is next in line.
    assert.ok(auto.backend === "tensorflow" || auto.backend === "wasm", auto.backend);
    assert.equal(auto.tfjsVersion, tf.version_core);
    assert.equal(tf.getBackend(), auto.backend);
    assert.equal((await selectBackend("cpu")).backend, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    process.env.EXPBOOK_BACKEND = "wasm";
    assert.equal((await selectBackend()).backend, "wasm");
    await assert.rejects(selectBackend("gpu"), ModelError);
  } finally {
    if (saved === undefined) delete process.env.EXPBOOK_BACKEND;
    else process.env.EXPBOOK_BACKEND = saved;
  }
});
