import { groupQueries, QuantisedScreen } from "./quantised-screen.js";
import { normalised } from "../embeddings/normalise.js";
import { createSimdKernels, type SimdKernels } from "./simd-kernels.js";
import { TopK, type ScoredSlot } from "./top-k.js";

/** Documents per kernel call: the scores of one block stay in cache for top-k selection. */
const docBlock = 4096;

/**
 * Exact (flat) inner-product search over L2-normalised vectors, so scores are cosine similarities.
 * Vectors live row by row in one contiguous Float32Array (rows padded to a multiple of 4 floats) inside
 * a WebAssembly memory, indexed by document slot; adding writes a row and removing fills it with NaN
 * and masks it, so nothing else is rebuilt. A slot without a live document holds NaN, which no
 * comparison admits, so the kernels never keep it. Scores come from 128-bit SIMD dot-product kernels
 * (see simd-kernels.ts) and the top k from a small heap, never a full sort. Batched search screens 4
 * queries at a time against int16 codes of the vectors (their coordinates, or a projection on their
 * leading principal directions with a bound for the rest), kept after the rows in the same memory,
 * and rescores the few survivors exactly with the same float32 arithmetic (quantised-screen.ts), so
 * it returns exactly what one-at-a-time search returns.
 */
export class DenseIndex {
  private readonly stride: number;
  private readonly kernels: SimdKernels;
  private readonly screen: QuantisedScreen;
  private readonly queryOffset = 0;
  private readonly outOffset: number;
  private readonly matrixOffset: number;
  private alive: Uint8Array;
  private capacity: number;
  private slots = 0;
  private docCount = 0;
  private batchQueries = 0;
  private batchRescored = 0;
  /** Rescores `slots[0 .. listed)` for the group's query `query` with the exact kernel and offers them to `top`. */
  private readonly rescore = (query: number, slots: Int32Array, listed: number, top: TopK): void => {
    const out = this.outOffset / 4;
    const rowBytes = this.stride * 4;
    const { i32: ints, f32: view } = this.kernels.views();
    for (let from = 0; from < listed; from += docBlock) {
      const count = Math.min(docBlock, listed - from);
      for (let r = 0; r < count; r++)
        ints[out + r] = this.matrixOffset + (slots[from + r] as number) * rowBytes;
      this.kernels.dotsList(this.queryOffset + query * rowBytes, this.outOffset, count, this.stride / 4, 0);
      for (let r = 0; r < count; r++) top.push(slots[from + r] as number, view[out + r] as number);
    }
  };

  constructor(
    readonly dim: number,
    capacity = 1024,
  ) {
    if (!Number.isInteger(dim) || dim < 1)
      throw new RangeError(`dense index dimension must be a positive integer, not ${dim}`);
    this.stride = Math.ceil(dim / 4) * 4;
    this.outOffset = groupQueries * this.stride * 4;
    this.matrixOffset = this.outOffset + docBlock * 4;
    this.capacity = Math.max(1, capacity);
    this.kernels = createSimdKernels(this.screenBase(this.capacity));
    this.alive = new Uint8Array(this.capacity);
    this.freeRows(0, this.capacity);
    const rows = {
      kernels: this.kernels,
      rows: this.matrixOffset,
      rowBytes: this.stride * 4,
      queries: this.queryOffset,
      row: (slot: number) => this.view.subarray(this.rowStart(slot), this.rowStart(slot) + dim),
    };
    this.screen = new QuantisedScreen(dim, rows, this.screenBase(this.capacity));
  }

  /** The float32 view of the memory now. */
  private get view(): Float32Array {
    return this.kernels.views().f32;
  }

  /** Where the screen's area starts for `capacity` rows. */
  private screenBase(capacity: number): number {
    return Math.ceil((this.matrixOffset + capacity * this.stride * 4) / 16) * 16;
  }

  /** Fills the rows of slots from .. to with NaN: a slot without a live document never scores. */
  private freeRows(from: number, to: number): void {
    this.view.fill(Number.NaN, this.rowStart(from), this.rowStart(to));
  }

  /** Number of live vectors. */
  get size(): number {
    return this.docCount;
  }

  /**
   * How many queries batched search has answered, how many documents it rescored exactly for them,
   * and the basis of its int16 codes now with their int16 pairs per document (see QuantisedScreen).
   */
  get batchStats(): {
    queries: number;
    rescored: number;
    codes: "projected" | "coordinates";
    codePairs: number;
  } {
    return {
      queries: this.batchQueries,
      rescored: this.batchRescored,
      codes: this.screen.basis,
      codePairs: this.screen.codePairs,
    };
  }

  /** Stores `vector` (normalised here; a zero vector stays zero and scores 0) at `slot`. */
  add(slot: number, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim)
      throw new RangeError(`vector has ${vector.length} dimensions, index has ${this.dim}`);
    this.ensureCapacity(slot + 1);
    const unit = normalised(vector);
    this.view.fill(0, this.rowStart(slot), this.rowStart(slot + 1));
    this.view.set(unit, this.rowStart(slot));
    this.screen.set(slot, unit);
    if (this.alive[slot] !== 1) this.docCount++;
    this.alive[slot] = 1;
    this.slots = Math.max(this.slots, slot + 1);
  }

  /** Removes the vector at `slot`. */
  remove(slot: number): void {
    if (this.alive[slot] !== 1) return;
    this.freeRows(slot, slot + 1);
    this.screen.clear(slot);
    this.alive[slot] = 0;
    this.docCount--;
  }

  /** The stored (normalised) vector at `slot` (NaN for a slot without a live document). */
  vector(slot: number): Float32Array {
    return this.view.slice(this.rowStart(slot), this.rowStart(slot) + this.dim);
  }

  /** The k most similar live slots to one query vector, best first. */
  search(query: ArrayLike<number>, k: number): ScoredSlot[] {
    this.placeQuery(this.checkedUnit(query));
    const top = new TopK(k);
    const out = this.outOffset / 4;
    for (let start = 0; start < this.slots; start += docBlock) {
      const rows = Math.min(docBlock, this.slots - start);
      this.kernels.dots1(
        this.queryOffset,
        this.matrixOffset + start * this.stride * 4,
        rows,
        this.stride / 4,
        this.outOffset,
      );
      this.collect(top, out, start, rows);
    }
    return top.sorted();
  }

  /**
   * The k most similar live slots to each of several query vectors, the same hits and scores as
   * `search` one by one. Queries are screened in groups against int16 codes of the documents (twice
   * the SIMD throughput of float32, half the memory traffic, and a sixth of the work when the codes
   * are a principal projection), tiles of 4 queries per pass over an L2-sized chunk of documents; the
   * few documents the screen cannot rule out are rescored with the float32 kernel. See
   * QuantisedScreen for the bound.
   */
  searchBatch(queries: readonly ArrayLike<number>[], k: number): ScoredSlot[][] {
    const units = queries.map((query) => this.checkedUnit(query));
    if (k <= 0) return units.map(() => []);
    this.screen.prepare(this.slots, this.alive, this.docCount);
    const results: ScoredSlot[][] = [];
    for (let first = 0; first < units.length; first += groupQueries) {
      const group = units.slice(first, first + groupQueries);
      group.forEach((unit, i) => {
        this.placeQuery(unit, i);
      });
      const { tops, rescored } = this.screen.searchGroup(group, this.slots, this.alive, k, this.rescore);
      this.batchQueries += group.length;
      this.batchRescored += rescored;
      for (const top of tops) results.push(top.sorted());
    }
    return results;
  }

  /** Offers the live rows' scores at view[out .. out + rows) to the heap. */
  private collect(top: TopK, out: number, start: number, rows: number): void {
    const view = this.view;
    const alive = this.alive;
    let threshold = top.threshold;
    for (let r = 0; r < rows; r++) {
      const score = view[out + r] as number;
      if (score >= threshold && alive[start + r] === 1) {
        top.push(start + r, score);
        threshold = top.threshold;
      }
    }
  }

  /** The normalised query, after checking its dimension. */
  private checkedUnit(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dim)
      throw new RangeError(`query has ${query.length} dimensions, index has ${this.dim}`);
    return normalised(query);
  }

  /** Writes a unit query into slot `i` of the kernel's query scratch space (zero-padded to the row stride). */
  private placeQuery(unit: Float32Array, i = 0): void {
    const at = this.queryOffset / 4 + i * this.stride;
    this.view.fill(0, at, at + this.stride);
    this.view.set(unit, at);
  }

  private rowStart(slot: number): number {
    return this.matrixOffset / 4 + slot * this.stride;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    let next = this.capacity;
    while (next < slots) next *= 2;
    this.screen.moveTo(this.screenBase(next));
    this.freeRows(this.capacity, next);
    const alive = new Uint8Array(next);
    alive.set(this.alive);
    this.alive = alive;
    this.capacity = next;
  }
}
