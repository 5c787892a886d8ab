import assert from "node:assert/strict";
import { test } from "node:test";
import { DenseIndex } from "../../src/rag/index.js";
import { createRng } from "../../src/util/random.js";

function randomVector(rng: ReturnType<typeof createRng>, dim: number): Float32Array {
  return Float32Array.from({ length: dim }, () => rng.normal());
}

/** Brute force in float64: cosine of every live row, fully sorted. */
function bruteForce(rows: (Float32Array | undefined)[], query: Float32Array, k: number) {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const qn = norm(query);
  return rows
    .map((row, slot) => {
      if (!row) return undefined;
      const rn = norm(row);
      const dot = row.reduce((s, x, j) => s + x * (query[j] as number), 0);
      return { slot, score: rn === 0 || qn === 0 ? 0 : dot / (rn * qn) };
    })
    .filter((hit): hit is { slot: number; score: number } => hit !== undefined)
    .sort((a, b) => b.score - a.score || a.slot - b.slot)
    .slice(0, k);
}

test("dense top-k (one at a time and batched) equals a brute-force cosine sort, across dims and removals", () => {
  for (const [seed, dim, n, k] of [
    [1, 100, 700, 10],
    [2, 7, 50, 3],
    [3, 1, 20, 5],
    [4, 33, 300, 1],
    [5, 16, 5, 10],
  ] as const) {
    const rng = createRng(seed);
    const index = new DenseIndex(dim, 4);
    const rows: (Float32Array | undefined)[] = [];
    for (let slot = 0; slot < n; slot++) {
      const v = slot === 3 ? new Float32Array(dim) : randomVector(rng, dim);
      rows.push(v);
      index.add(slot, v);
    }
    for (let slot = 0; slot < n; slot += 7) {
      index.remove(slot);
      rows[slot] = undefined;
    }
    assert.equal(index.size, rows.filter(Boolean).length);
    const queries = Array.from({ length: 37 }, () => randomVector(rng, dim));
    const batched = index.searchBatch(queries, k);
    queries.forEach((query, q) => {
      const want = bruteForce(rows, query, k);
      for (const got of [index.search(query, k), batched[q] ?? []]) {
        assert.equal(got.length, want.length);
        got.forEach((hit, i) => {
          assert.ok(
            Math.abs(hit.score - (want[i]?.score as number)) < 1e-5,
            `seed ${seed} query ${q} rank ${i + 1}`,
          );
          assert.notEqual(rows[hit.slot], undefined, "a removed row was returned");
        });
      }
    });
  }
});

test("a dense index rejects a vector of the wrong dimension", () => {
  const index = new DenseIndex(3);
  assert.throws(() => index.add(0, [1, 2]), RangeError);
});

test("batched search returns exactly the one-at-a-time hits, even among near-ties the int16 screen cannot tell apart", () => {
  for (const [seed, dim, n, k, jitter] of [
    [11, 100, 3000, 10, 1e-6],
    [12, 99, 2000, 25, 1e-5],
    [13, 3, 400, 7, 1e-4],
    [14, 64, 1500, 1, 0],
    [15, 101, 900, 50, 1e-3],
  ] as const) {
    const rng = createRng(seed);
    const index = new DenseIndex(dim);
    // A few centres, each copied many times with tiny perturbations: hundreds of documents whose
    // cosines to a query agree to within the int16 codes' error, plus exact duplicates (ties).
    const centres = Array.from({ length: 5 }, () => randomVector(rng, dim));
    for (let slot = 0; slot < n; slot++) {
      const centre = centres[slot % centres.length] as Float32Array;
      index.add(
        slot,
        centre.map((x) => x + jitter * rng.normal()),
      );
    }
    for (let slot = 5; slot < n; slot += 11) index.remove(slot);
    const queries = [
      ...centres.map((centre) => centre.map((x) => x + 1e-3 * rng.normal())),
      ...Array.from({ length: 10 }, () => randomVector(rng, dim)),
    ];
    const batched = index.searchBatch(queries, k);
    queries.forEach((query, q) => {
      assert.deepEqual(batched[q], index.search(query, k), `seed ${seed} query ${q}`);
    });
  }
});

test("batched search handles k = 0, k beyond the live documents, an empty index and a re-added slot", () => {
  const rng = createRng(21);
  const index = new DenseIndex(10);
  const query = randomVector(rng, 10);
  assert.deepEqual(index.searchBatch([query], 3), [[]]);
  for (let slot = 0; slot < 6; slot++) index.add(slot, randomVector(rng, 10));
  index.remove(2);
  index.add(2, query);
  index.remove(4);
  assert.deepEqual(index.searchBatch([query], 0), [[]]);
  const all = index.searchBatch([query, query], 10);
  assert.equal(all[0]?.length, 5);
  assert.equal(all[0]?.[0]?.slot, 2);
  assert.deepEqual(all[0], index.search(query, 10));
  assert.deepEqual(all[1], all[0]);
});

test("batched search rescores gathered lists of every length (4 rows at a time, then the rest) bit for bit as one-at-a-time search scores them", () => {
  const rng = createRng(41);
  for (const dim of [3, 100])
    for (let n = 1; n <= 9; n++) {
      // With k = n every document reaches the exact rescoring, in one gathered list of n rows.
      const index = new DenseIndex(dim);
      for (let slot = 0; slot < n; slot++) index.add(slot, randomVector(rng, dim));
      const queries = [randomVector(rng, dim), randomVector(rng, dim)];
      const batched = index.searchBatch(queries, n);
      queries.forEach((query, q) => {
        assert.equal(batched[q]?.length, n);
        assert.deepEqual(batched[q], index.search(query, n), `dim ${dim}, ${n} rows, query ${q}`);
      });
    }
});

test("batched search equals one-at-a-time search and a brute-force sort on many random cases, across tile, group and chunk edges", () => {
  const rng = createRng(31);
  for (let trial = 0; trial < 40; trial++) {
    // Dimensions that are and are not multiples of the 2-dim int16 pairs and 4-float SIMD lanes, up to
    // 400 (a few hundred documents span several L2-sized screening chunks); document counts that are
    // not multiples of the 8-document blocks; query counts around the 4-query tiles and 32-query groups.
    const dim = [1, 2, 3, 5, 8, 17, 64, 100, 257, 400][trial % 10] as number;
    const n = 1 + Math.floor(rng.next() * (dim > 200 ? 1500 : 400));
    const k = [1, 3, 10, 40][trial % 4] as number;
    const queryCount = [1, 3, 4, 5, 31, 32, 33, 70][trial % 8] as number;
    const index = new DenseIndex(dim, 2);
    const rows: (Float32Array | undefined)[] = [];
    for (let slot = 0; slot < n; slot++) {
      // Every fifth row repeats an earlier one, so exact ties must be broken by slot.
      const row =
        slot % 5 === 4 && slot > 4 ? (rows[slot - 3] ?? randomVector(rng, dim)) : randomVector(rng, dim);
      rows.push(row);
      index.add(slot, row);
    }
    for (let slot = trial % 3; slot < n; slot += 9) {
      index.remove(slot);
      rows[slot] = undefined;
    }
    const queries = Array.from({ length: queryCount }, (_, q) =>
      q % 3 === 0 && rows[q] !== undefined ? (rows[q] as Float32Array) : randomVector(rng, dim),
    );
    const batched = index.searchBatch(queries, k);
    assert.equal(batched.length, queryCount);
    queries.forEach((query, q) => {
      const single = index.search(query, k);
      assert.deepEqual(batched[q], single, `trial ${trial} (dim ${dim}, n ${n}, k ${k}) query ${q}`);
      const want = bruteForce(rows, query, k);
      assert.equal(single.length, want.length);
      single.forEach((hit, r) => {
        assert.ok(
          Math.abs(hit.score - (want[r]?.score as number)) < 1e-5,
          `trial ${trial} query ${q} rank ${r + 1}`,
        );
        assert.notEqual(rows[hit.slot], undefined, "a removed row was returned");
      });
    });
  }
});

/** Embedding-like vectors: a shared direction, a few strong components, weak noise in every dimension. */
function embeddingLike(rng: ReturnType<typeof createRng>, dim: number, axes: Float32Array[]): Float32Array {
  const v = Float32Array.from({ length: dim }, () => 0.05 * rng.normal());
  axes.forEach((axis, a) => {
    const weight = a === 0 ? 3 : rng.normal() / (1 + a);
    for (let x = 0; x < dim; x++) v[x] = (v[x] as number) + weight * (axis[x] as number);
  });
  return v;
}

test("batched search over projected codes (embedding-like vectors with near-duplicates) returns exactly the one-at-a-time hits, before and after adds and removals", () => {
  for (const [seed, dim, centres, copies, k, jitter] of [
    [41, 100, 150, 20, 10, 1e-3],
    [42, 64, 100, 12, 25, 1e-6],
    [43, 257, 60, 20, 5, 0],
  ] as const) {
    const rng = createRng(seed);
    const axes = Array.from({ length: 12 }, () => randomVector(rng, dim));
    const bases = Array.from({ length: centres }, () => embeddingLike(rng, dim, axes));
    const index = new DenseIndex(dim);
    let slot = 0;
    for (let copy = 0; copy < copies; copy++)
      for (const base of bases)
        index.add(
          slot++,
          base.map((x) => x + jitter * rng.normal()),
        );
    const queries = [
      ...bases.slice(0, 40).map((base) => base.map((x) => x + 1e-4 * rng.normal())),
      ...Array.from({ length: 30 }, () => embeddingLike(rng, dim, axes)),
    ];
    const check = (label: string) => {
      const batched = index.searchBatch(queries, k);
      assert.equal(index.batchStats.codes, "projected", `seed ${seed} ${label}: codes`);
      queries.forEach((query, q) => {
        assert.deepEqual(batched[q], index.search(query, k), `seed ${seed} ${label} query ${q}`);
      });
    };
    check("fitted");
    // Rows added after the fit are projected on the same basis; removed rows must never come back.
    for (let extra = 0; extra < 200; extra++) index.add(slot++, embeddingLike(rng, dim, axes));
    for (let gone = 0; gone < slot; gone += 13) index.remove(gone);
    index.add(7, queries[0] as Float32Array);
    check("after adds and removals");
  }
});

test("batched search over projected codes skips slots never filled or removed even when every live score is negative, grows the index from a tiny capacity and after its codes are fitted, and keeps k above the WebAssembly rescoring's 128", () => {
  const rng = createRng(47);
  const dim = 64;
  const axes = Array.from({ length: 12 }, () => randomVector(rng, dim));
  const index = new DenseIndex(dim, 4);
  const rows: (Float32Array | undefined)[] = [];
  // Every third slot is left empty; an empty slot must never score (as 0, it would beat every negative score).
  for (let slot = 0; slot < 4500; slot += 3) {
    const row = embeddingLike(rng, dim, axes);
    index.add(slot, row);
    rows[slot] = row;
  }
  const mean = new Float32Array(dim);
  for (const row of rows)
    if (row) for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (row[j] as number);
  const queries = [mean.map((x) => -x), ...Array.from({ length: 9 }, () => embeddingLike(rng, dim, axes))];
  for (const k of [10, 129, 200]) {
    const batched = index.searchBatch(queries, k);
    assert.equal(index.batchStats.codes, "projected", `k ${k}: codes`);
    assert.ok(
      (batched[0]?.[0]?.score ?? 0) < 0,
      `k ${k}: the negated mean scores below 0 against every document`,
    );
    queries.forEach((query, q) => {
      assert.deepEqual(batched[q], index.search(query, k), `k ${k} query ${q}`);
      for (const hit of batched[q] ?? [])
        assert.notEqual(rows[hit.slot], undefined, `k ${k}: empty slot ${hit.slot}`);
    });
    for (let slot = 0; slot < rows.length; slot += 7 * 3) {
      index.remove(slot);
      rows[slot] = undefined;
    }
    // A slot past the capacity grows the index after its codes are fitted: the screen's memory moves.
    const far = 9000 + k;
    rows[far] = embeddingLike(rng, dim, axes);
    index.add(far, rows[far] as Float32Array);
  }
});

test("batched search goes back to coordinate codes when a projection prunes badly (isotropic vectors), with the same exact hits", () => {
  const rng = createRng(51);
  const dim = 80;
  const index = new DenseIndex(dim);
  const rows = Array.from({ length: 4000 }, () => randomVector(rng, dim));
  rows.forEach((row, slot) => {
    index.add(slot, row);
  });
  const queries = Array.from({ length: 70 }, () => randomVector(rng, dim));
  const batched = index.searchBatch(queries, 10);
  assert.equal(index.batchStats.codes, "coordinates");
  queries.forEach((query, q) => {
    const want = bruteForce(rows, query, 10);
    assert.deepEqual(batched[q], index.search(query, 10), `query ${q}`);
    assert.deepEqual(
      batched[q]?.map((hit) => hit.slot),
      want.map((hit) => hit.slot),
      `query ${q} against brute force`,
    );
  });
});

/**
 * Embedding-like vectors whose energy spreads over many directions: a shared direction, then
 * components whose scale decays slowly (1 / (1 + a/decay)), and weak noise.
 */
function spreadOut(rng: ReturnType<typeof createRng>, axes: Float32Array[], decay: number): Float32Array {
  const dim = axes[0]?.length ?? 0;
  const v = Float32Array.from({ length: dim }, () => 0.02 * rng.normal());
  axes.forEach((axis, a) => {
    const weight = a === 0 ? 2 : rng.normal() / (1 + a / decay);
    for (let x = 0; x < dim; x++) v[x] = (v[x] as number) + weight * (axis[x] as number);
  });
  return v;
}

test("batched search returns exactly the one-at-a-time hits for held-out queries (no near-copy in the index), at every code width it widens through, with and without the first screen", () => {
  // 6,000 documents: wider codes keep the first screen; 40,000: they go without it. Weights decaying
  // over 10 axes spread the vectors enough that 16 pairs let through more than a wider screen costs.
  const decay = 10;
  for (const size of [6000, 40000]) {
    const rng = createRng(61);
    const dim = 100;
    const axes = Array.from({ length: dim }, () => randomVector(rng, dim));
    const index = new DenseIndex(dim);
    const rows: (Float32Array | undefined)[] = [];
    for (let slot = 0; slot < size; slot++) {
      rows.push(spreadOut(rng, axes, decay));
      index.add(slot, rows[slot] as Float32Array);
    }
    const widths: number[] = [];
    for (let call = 0; call < 4; call++) {
      if (call === 2) {
        // Removals and adds between calls: removed rows must never come back; new rows use the codes in force.
        for (let slot = 5; slot < rows.length; slot += 11) {
          index.remove(slot);
          rows[slot] = undefined;
        }
        for (let extra = 0; extra < 300; extra++) {
          rows.push(spreadOut(rng, axes, decay));
          index.add(rows.length - 1, rows[rows.length - 1] as Float32Array);
        }
      }
      // One group of 32 fresh queries per call, so each call screens with one code width.
      const queries = Array.from({ length: 32 }, () => spreadOut(rng, axes, decay));
      const batched = index.searchBatch(queries, 10);
      widths.push(index.batchStats.codePairs);
      queries.forEach((query, q) => {
        const single = index.search(query, 10);
        assert.ok(
          (single[0]?.score as number) < 0.99,
          `call ${call} query ${q} has a near-copy in the index`,
        );
        assert.deepEqual(batched[q], single, `size ${size} call ${call} query ${q}`);
        if (size > 6000) return; // one-at-a-time search is checked against brute force on the smaller index
        assert.deepEqual(
          single.map((hit) => hit.slot),
          bruteForce(rows, query, 10).map((hit) => hit.slot),
          `call ${call} query ${q} against brute force`,
        );
      });
    }
    // The first call fits the projection and screens with 8 pairs; held-out queries let many documents
    // through, so the codes widen after it to 16 pairs, and after the second call to 32 (staged).
    assert.deepEqual(widths, [16, 32, 32, 32], `size ${size}`);
    assert.equal(index.batchStats.codes, "projected");
  }
});

test("the int16 screen never drops a true top-k hit: adversarial queries at every code width (tail-only, negated, zero, ties across rank k, near-ties)", () => {
  const rng = createRng(71);
  const dim = 100;
  const axes = Array.from({ length: dim }, () => randomVector(rng, dim));
  const index = new DenseIndex(dim);
  const rows: Float32Array[] = [];
  const put = (row: Float32Array) => {
    rows.push(row);
    index.add(rows.length - 1, row);
  };
  for (let slot = 0; slot < 3000; slot++) put(spreadOut(rng, axes, 8));
  const tied = rows[17] as Float32Array;
  for (let copy = 0; copy < 25; copy++) put(Float32Array.from(tied));
  const nearTied = rows[29] as Float32Array;
  for (let copy = 0; copy < 25; copy++) put(nearTied.map((x) => x + 1e-7 * rng.normal()));
  put(new Float32Array(dim));
  for (let n = 0; n < 40; n++) put((rows[n] as Float32Array).map((x) => -x));
  // A vector with no component along the 20 strongest axes (orthonormalised here), so its scores come
  // from the part of the documents the projected codes only bound.
  const basis: Float32Array[] = [];
  for (const axis of axes.slice(0, 20)) {
    const b = Float32Array.from(axis);
    for (const u of basis) {
      const dot = b.reduce((s, x, j) => s + x * (u[j] as number), 0);
      for (let j = 0; j < dim; j++) b[j] = (b[j] as number) - dot * (u[j] as number);
    }
    const norm = Math.sqrt(b.reduce((s, x) => s + x * x, 0));
    basis.push(b.map((x) => x / norm));
  }
  const tailOnly = () => {
    const v = randomVector(rng, dim);
    for (const u of basis) {
      const dot = v.reduce((s, x, j) => s + x * (u[j] as number), 0);
      for (let j = 0; j < dim; j++) v[j] = (v[j] as number) - dot * (u[j] as number);
    }
    return v;
  };
  const adversarial = () => [
    ...Array.from({ length: 6 }, tailOnly),
    ...Array.from({ length: 4 }, () => randomVector(rng, dim)),
    ...[3, 8, 40].map((n) => (rows[n] as Float32Array).map((x) => -x)),
    new Float32Array(dim),
    Float32Array.from(tied),
    Float32Array.from(nearTied),
    (rows[5] as Float32Array).map((x, j) => x + (rows[6] as Float32Array)[j]!),
    (rows[9] as Float32Array).map((x, j) => x + 3 * (tailOnly()[j] as number)),
    ...Array.from({ length: 10 }, () => spreadOut(rng, axes, 8)),
  ];
  // The first batched call fits the projection and screens with 8 pairs; later calls use the codes
  // the previous call left (one group of at most 32 queries per call, so one width per call).
  const widths = new Set<number>();
  let calls = 0;
  for (let round = 0; round < 3; round++) {
    const queries = adversarial();
    assert.ok(queries.length <= 32, "one group per call");
    for (const k of [1, 10, 30]) {
      widths.add(calls++ === 0 ? 8 : index.batchStats.codePairs);
      const batched = index.searchBatch(queries, k);
      queries.forEach((query, q) => {
        assert.deepEqual(batched[q], index.search(query, k), `round ${round} k ${k} query ${q}`);
      });
    }
  }
  // Projected with 8, 16 and 32 pairs (staged: the first 16 bound the rest), then coordinates (50 pairs).
  for (const pairs of [8, 16, 32, 50])
    assert.ok(widths.has(pairs), `screened with ${pairs} pairs: ${[...widths]}`);
});
