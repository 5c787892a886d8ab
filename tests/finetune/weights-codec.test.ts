import assert from "node:assert/strict";
import { test } from "node:test";
import { packWeights, unpackWeights } from "../../src/finetune/weights-codec.js";
import { createRng } from "../../src/util/random.js";

function bits(values: Float32Array): number[] {
  return [...new Uint32Array(values.buffer, values.byteOffset, values.length)];
}

// Every float32 class: NaNs with payloads, ±0, ±Infinity, subnormals, and ordinary values near a base.
function randomCase(seed: number): { weights: Float32Array; base: Float32Array } {
  const rng = createRng(seed);
  const count = 1 + rng.int(3000);
  const base = Float32Array.from({ length: count }, () => rng.normal() * 0.5);
  const raw = new Uint32Array(count);
  const weights = new Float32Array(raw.buffer);
  for (let i = 0; i < count; i++) {
    const pick = rng.int(6);
    if (pick === 0) raw[i] = Math.floor(rng.next() * 2 ** 32) >>> 0;
    else if (pick === 1)
      raw[i] = [0x7fc00001, 0xffc00000, 0x80000000, 0, 0x7f800000, 0xff800000, 1][rng.int(7)] as number;
    else if (pick === 2) weights[i] = base[i] as number;
    else weights[i] = (base[i] as number) + rng.normal() * 10 ** -(1 + rng.int(6));
  }
  return { weights, base };
}

test("packWeights → unpackWeights gives back every bit, with and without a base, on 200 seeded cases", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const { weights, base } = randomCase(seed);
    assert.deepEqual(
      bits(unpackWeights(packWeights(weights, base), base) as Float32Array),
      bits(weights),
      `seed ${seed}`,
    );
    assert.deepEqual(
      bits(unpackWeights(packWeights(weights)) as Float32Array),
      bits(weights),
      `seed ${seed}, no base`,
    );
  }
  assert.deepEqual(bits(unpackWeights(packWeights(new Float32Array(0))) as Float32Array), []);
});

test("weights equal to their base pack to almost nothing; small changes pack well below raw float32", () => {
  const rng = createRng(3);
  const base = Float32Array.from({ length: 200_000 }, () => rng.normal() * 0.5);
  assert.ok(packWeights(base.slice(), base).length < 2_000);
  const trained = base.map((value) => value + rng.normal() * 1e-3);
  const packed = packWeights(trained, base).length;
  assert.ok(packed < 0.8 * trained.byteLength, `${packed} bytes of ${trained.byteLength}`);
  assert.ok(packed < packWeights(trained).length, "the base helps");
});

test("unpackWeights refuses a base of another length", () => {
  const weights = Float32Array.from([1, 2, 3]);
  assert.equal(unpackWeights(packWeights(weights), new Float32Array(4)), undefined);
});
