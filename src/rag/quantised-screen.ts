import {
  createSimdKernels,
  reserveMemory,
  type SimdKernels,
  screenQueries,
  screenRowsOf4,
} from "./simd-kernels.js";
import { TopK } from "./top-k.js";

/** Scale of the int16 codes: a unit vector's components (|x| ≤ 1) become integers within ±32,003. */
const scale = 32000;
/** Documents per screening block (4 per int16 vector × screenRowsOf4 vectors). */
const blockDocs = 4 * screenRowsOf4;
/** Bytes of int16 codes per kernel call: a chunk stays in L2 while every query tile of a group scans it. */
const chunkBytes = 256 * 1024;
/** Queries screened per pass over the documents (tiles of `screenQueries`). */
const groupQueries = 32;
/** Bytes of a tile's limits (one int32 splatted to 4 lanes per query) ahead of its codes. */
const limitBytes = screenQueries * 16;
const int32Min = -2147483648;
/** Slack for norms of float32-normalised vectors (1 ± a few ulps) in the error bound. */
const normSlack = 1.0001;

/**
 * An int16 copy of the dense index's unit vectors, used to screen candidates for exact top-k search
 * of many queries, in tiles of 4. Codes are round(32000·x), so the integer dot product I of a query and
 * a document differs from 32000² times their exact cosine by at most
 *   Δ = 32000·(‖e_q‖ + ‖e_d‖)·1.0001 + ‖e_q‖·‖e_d‖ + 32000²·ε,
 * where e are the rounding errors (kept exactly per query and as a running maximum over documents)
 * and ε bounds the float32 rounding of the exact kernel. Any document of the exact top k therefore
 * has I ≥ T − 2Δ, T being the k-th largest I among live documents; the screen returns every such
 * document, and the caller rescores them in float32. The results equal exhaustive float32 search.
 * Integer sums cannot overflow: |I| ≤ ‖codes_q‖·‖codes_d‖ < 32,020² < 2³¹.
 */
export class QuantisedScreen {
  private readonly pairs: number;
  private readonly blockBytes: number;
  private readonly tileBytes: number;
  private readonly chunkBlocks: number;
  private readonly outOffset: number;
  private readonly outStride = screenQueries * screenRowsOf4 * 16;
  private readonly matrixOffset: number;
  private readonly kernels: SimdKernels;
  private codes: Int16Array;
  private ints: Int32Array;
  private capacity = 0;
  private maxDocError = 0;
  private readonly epsilon: number;

  constructor(readonly dim: number) {
    this.pairs = Math.ceil(dim / 2);
    this.blockBytes = this.pairs * screenRowsOf4 * 16;
    this.tileBytes = align16(limitBytes + this.pairs * screenQueries * 4);
    this.chunkBlocks = Math.max(1, Math.floor(chunkBytes / this.blockBytes));
    this.outOffset = (groupQueries / screenQueries) * this.tileBytes;
    this.matrixOffset = align16(this.outOffset + this.chunkBlocks * (this.outStride + 4) + 4);
    this.epsilon = (2 * (dim + 8)) / 2 ** 24;
    this.kernels = createSimdKernels(this.matrixOffset);
    this.codes = new Int16Array(this.kernels.memory.buffer);
    this.ints = new Int32Array(this.kernels.memory.buffer);
  }

  /** Stores the int16 codes of a unit vector (or a zero vector) at `slot`. */
  set(slot: number, unit: Float32Array): void {
    this.ensureCapacity(slot + 1);
    let squaredError = 0;
    for (let x = 0; x < this.dim; x++) {
      const exact = (unit[x] as number) * scale;
      const code = Math.round(exact);
      squaredError += (code - exact) * (code - exact);
      this.codes[this.codeIndex(slot, x)] = code;
    }
    this.maxDocError = Math.max(this.maxDocError, Math.sqrt(squaredError));
  }

  /** Zeroes the codes at `slot` (a removed document scores 0 and must be masked by the caller). */
  clear(slot: number): void {
    if (slot >= this.capacity) return;
    for (let x = 0; x < this.dim; x++) this.codes[this.codeIndex(slot, x)] = 0;
  }

  /**
   * For each unit query, the slots among [0, slots) with `alive[slot] === 1` that may belong to the
   * exact top k (a superset of it), in slot order.
   */
  candidates(queries: readonly Float32Array[], slots: number, alive: Uint8Array, k: number): number[][] {
    const found: number[][] = [];
    for (let first = 0; first < queries.length; first += groupQueries)
      found.push(...this.screenGroup(queries.slice(first, first + groupQueries), slots, alive, k));
    return found;
  }

  /**
   * Screens up to `groupQueries` queries GEMM-style: the documents are streamed once per group, in
   * chunks small enough to stay in the L2 cache while every tile of 4 queries is scored against them,
   * so memory traffic per query falls by the number of tiles in the group.
   */
  private screenGroup(
    queries: readonly Float32Array[],
    slots: number,
    alive: Uint8Array,
    k: number,
  ): number[][] {
    const count = queries.length;
    const tiles = Math.ceil(count / screenQueries);
    const margins = queries.map((query, i) => 2 * this.writeQuery(i, query));
    for (let i = count; i < tiles * screenQueries; i++) this.writeQuery(i, undefined);
    const tops = queries.map(() => new TopK(k));
    const hitSlots = queries.map(() => [] as number[]);
    const hitScores = queries.map(() => [] as number[]);
    const limits = new Float64Array(tiles * screenQueries).fill(Number.POSITIVE_INFINITY);
    limits.fill(Number.NEGATIVE_INFINITY, 0, count);
    const blocks = Math.ceil(slots / blockDocs);
    const ints = this.ints;
    // The first chunks are short, so the limits tighten before most scores are scanned in JS.
    for (
      let first = 0, span = 2;
      first < blocks;
      first += span, span = Math.min(this.chunkBlocks, span * 4)
    ) {
      const chunk = Math.min(span, blocks - first);
      const matrix = this.matrixOffset + first * this.blockBytes;
      for (let tile = 0; tile < tiles; tile++) {
        this.writeLimits(tile, limits);
        this.kernels.screen(tile * this.tileBytes, matrix, chunk, this.pairs, this.outOffset);
        const last = Math.min(count, (tile + 1) * screenQueries);
        const listEnd = (this.outOffset + chunk * this.outStride) / 4;
        const flagged = ((ints[listEnd] as number) / 4 - listEnd - 1) | 0;
        for (let f = 0; f < flagged; f++) {
          const b = ints[listEnd + 1 + f] as number;
          const base = (this.outOffset + b * this.outStride) / 4;
          const firstSlot = (first + b) * blockDocs;
          for (let i = tile * screenQueries; i < last; i++) {
            let limit = limits[i] as number;
            const top = tops[i] as TopK;
            const margin = margins[i] as number;
            const at = base + (i - tile * screenQueries) * blockDocs;
            for (let r = 0; r < blockDocs; r++) {
              const score = ints[at + r] as number;
              const slot = firstSlot + r;
              if (score < limit || slot >= slots || alive[slot] !== 1) continue;
              (hitSlots[i] as number[]).push(slot);
              (hitScores[i] as number[]).push(score);
              top.push(slot, score);
              limit = top.threshold - margin;
            }
            limits[i] = limit;
          }
        }
      }
    }
    return hitSlots.map((found, i) => {
      const scores = hitScores[i] as number[];
      const limit = limits[i] as number;
      return found.filter((_, c) => (scores[c] as number) >= limit);
    });
  }

  /** Writes query i's codes (or zeros) into its tile and returns its error bound Δ in integer units. */
  private writeQuery(i: number, unit: Float32Array | undefined): number {
    const codes = this.codes;
    const base = (Math.floor(i / screenQueries) * this.tileBytes + limitBytes) / 2;
    const lane = i % screenQueries;
    let squaredError = 0;
    for (let x = 0; x < this.pairs * 2; x++) {
      const exact = unit !== undefined && x < this.dim ? (unit[x] as number) * scale : 0;
      const code = Math.round(exact);
      squaredError += (code - exact) * (code - exact);
      codes[base + ((x >> 1) * screenQueries + lane) * 2 + (x & 1)] = code;
    }
    const queryError = Math.sqrt(squaredError);
    const docError = this.maxDocError;
    return (
      scale * normSlack * (queryError + docError) +
      queryError * docError +
      scale * scale * normSlack * normSlack * this.epsilon
    );
  }

  /** Writes the limits of a tile's queries as int32s splatted over 4 lanes (rounded down, clamped to int32). */
  private writeLimits(tile: number, limits: Float64Array): void {
    const base = (tile * this.tileBytes) / 4;
    for (let i = 0; i < screenQueries; i++) {
      const limit = limits[tile * screenQueries + i] as number;
      const value = limit === Number.POSITIVE_INFINITY ? 2147483647 : Math.max(int32Min, Math.floor(limit));
      this.ints.fill(value, base + i * 4, base + i * 4 + 4);
    }
  }

  private codeIndex(slot: number, x: number): number {
    const block = Math.floor(slot / blockDocs);
    const within = slot % blockDocs;
    const byte =
      this.matrixOffset + block * this.blockBytes + (x >> 1) * screenRowsOf4 * 16 + (within >> 2) * 16;
    return byte / 2 + (within & 3) * 2 + (x & 1);
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    let next = Math.max(blockDocs, this.capacity);
    while (next < slots) next *= 2;
    const memory = this.kernels.memory;
    if (reserveMemory(memory, this.matrixOffset + Math.ceil(next / blockDocs) * this.blockBytes)) {
      this.codes = new Int16Array(memory.buffer);
      this.ints = new Int32Array(memory.buffer);
    }
    this.capacity = next;
  }
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;
