import { createSimdKernels, type SimdKernels } from "./simd-kernels.js";
import { TopK, type ScoredSlot } from "./top-k.js";

/** Documents per kernel call: the scores of one block (× 8 queries) stay in cache for top-k selection. */
const docBlock = 4096;
/** Queries per batched kernel call. */
const queryBlock = 8;

/**
 * Exact (flat) inner-product search over L2-normalised vectors, so scores are cosine similarities.
 * Vectors live row by row in one contiguous Float32Array (rows padded to a multiple of 4 floats) inside
 * a WebAssembly memory, indexed by document slot; adding appends a row and removing zeroes and masks
 * one, so nothing else is rebuilt. Scores come from 128-bit SIMD dot-product kernels (see
 * simd-kernels.ts) and the top k from a small heap, never a full sort. Batched search multiplies 8
 * queries at a time by each block of documents, so every document row loaded is used 8 times.
 */
export class DenseIndex {
  private readonly stride: number;
  private readonly kernels: SimdKernels;
  private readonly queryOffset = 0;
  private readonly outOffset: number;
  private readonly matrixOffset: number;
  private view: Float32Array;
  private alive: Uint8Array;
  private capacity: number;
  private slots = 0;
  private docCount = 0;

  constructor(
    readonly dim: number,
    capacity = 1024,
  ) {
    if (!Number.isInteger(dim) || dim < 1)
      throw new RangeError(`dense index dimension must be a positive integer, not ${dim}`);
    this.stride = Math.ceil(dim / 4) * 4;
    this.outOffset = queryBlock * this.stride * 4;
    this.matrixOffset = this.outOffset + queryBlock * docBlock * 4;
    this.capacity = Math.max(1, capacity);
    this.kernels = createSimdKernels(this.matrixOffset + this.capacity * this.stride * 4);
    this.view = new Float32Array(this.kernels.memory.buffer);
    this.alive = new Uint8Array(this.capacity);
  }

  /** Number of live vectors. */
  get size(): number {
    return this.docCount;
  }

  /** Stores `vector` (normalised here; a zero vector stays zero and scores 0) at `slot`. */
  add(slot: number, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim)
      throw new RangeError(`vector has ${vector.length} dimensions, index has ${this.dim}`);
    this.ensureCapacity(slot + 1);
    this.view.set(normalised(vector), this.rowStart(slot));
    if (this.alive[slot] !== 1) this.docCount++;
    this.alive[slot] = 1;
    this.slots = Math.max(this.slots, slot + 1);
  }

  /** Removes the vector at `slot`. */
  remove(slot: number): void {
    if (this.alive[slot] !== 1) return;
    this.view.fill(0, this.rowStart(slot), this.rowStart(slot) + this.stride);
    this.alive[slot] = 0;
    this.docCount--;
  }

  /** The stored (normalised) vector at `slot`. */
  vector(slot: number): Float32Array {
    return this.view.slice(this.rowStart(slot), this.rowStart(slot) + this.dim);
  }

  /** The k most similar live slots to one query vector, best first. */
  search(query: ArrayLike<number>, k: number): ScoredSlot[] {
    this.writeQuery(0, query);
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

  /** The k most similar live slots to each of several query vectors (same results as one by one). */
  searchBatch(queries: readonly ArrayLike<number>[], k: number): ScoredSlot[][] {
    const results: ScoredSlot[][] = [];
    for (let first = 0; first < queries.length; first += queryBlock) {
      const count = Math.min(queryBlock, queries.length - first);
      for (let i = 0; i < queryBlock; i++)
        this.writeQuery(i, i < count ? (queries[first + i] as ArrayLike<number>) : undefined);
      const tops = Array.from({ length: count }, () => new TopK(k));
      for (let start = 0; start < this.slots; start += docBlock) {
        const rows = Math.min(docBlock, this.slots - start);
        this.kernels.dots8(
          this.queryOffset,
          this.matrixOffset + start * this.stride * 4,
          rows,
          this.stride / 4,
          this.outOffset,
        );
        for (let i = 0; i < count; i++)
          this.collect(tops[i] as TopK, this.outOffset / 4 + i * rows, start, rows);
      }
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

  /** Writes the normalised query (or zeros) into query slot i of the kernel's scratch space. */
  private writeQuery(i: number, query: ArrayLike<number> | undefined): void {
    const at = this.queryOffset / 4 + i * this.stride;
    this.view.fill(0, at, at + this.stride);
    if (query === undefined) return;
    if (query.length !== this.dim)
      throw new RangeError(`query has ${query.length} dimensions, index has ${this.dim}`);
    this.view.set(normalised(query), at);
  }

  private rowStart(slot: number): number {
    return this.matrixOffset / 4 + slot * this.stride;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    let next = this.capacity;
    while (next < slots) next *= 2;
    const needed = this.matrixOffset + next * this.stride * 4;
    const memory = this.kernels.memory;
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
    this.view = new Float32Array(memory.buffer);
    const alive = new Uint8Array(next);
    alive.set(this.alive);
    this.alive = alive;
    this.capacity = next;
  }
}

/** An L2-normalised Float32Array copy of `vector` (a zero vector stays zero). */
export function normalised(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += (out[i] as number) * (out[i] as number);
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * scale;
  }
  return out;
}
