import { hitsOffset, stateHeader } from "./exact-rescore-kernel.js";
import { reserveMemory, type SimdKernels, screenQueries, screenRowsOf4 } from "./simd-kernels.js";

/** Documents per screening block (4 per int16 vector × screenRowsOf4 vectors). */
export const blockDocs = 4 * screenRowsOf4;
/** Queries screened per pass over the documents (tiles of `screenQueries`). */
export const groupQueries = 32;
/** Largest k that the rescoring in WebAssembly keeps (larger ones rescore in lists from JavaScript). */
export const kernelK = 128;
/** Bytes of a query's state for the rescoring in WebAssembly: the header, then k float32 scores. */
export const stateBytes = stateHeader + 4 * kernelK;
/**
 * The dense index's float32 rows and group queries in the same WebAssembly memory, which the screen
 * shares: its own area starts after the rows and moves up when they grow (see moveTo).
 */
export interface FloatRows {
  kernels: SimdKernels;
  /** Address of slot 0's row; rows are `rowBytes` apart, zero-padded to a multiple of 4 floats. */
  rows: number;
  rowBytes: number;
  /** Address of the group's first query, each a row apart. */
  queries: number;
  /** A live document's unit vector (read when the codes are re-encoded). */
  row(slot: number): Float32Array;
}

/** Bytes of int16 codes per kernel call: a chunk stays in L2 while every query tile of a group scans it. */
const chunkBytes = 256 * 1024;
/** Bytes of a tile's limits (one int32 splatted to 4 lanes per query) ahead of its codes. */
const limitBytes = screenQueries * 16;
const tiles = groupQueries / screenQueries;

/**
 * Where a quantised screen keeps its parts in the WebAssembly memory it shares with the dense index's
 * float32 rows, from `base` (after the rows) on:
 *  - `basisBytes` for the codes' projection basis and the projections of one vector (first: its place
 *    does not depend on the codes' width);
 *  - per tile of 4 queries, their limits and query codes;
 *  - per tile, the kernels' control block and the lists of hits (one per query, room for a chunk);
 *  - per query of a group, its state for the rescoring in WebAssembly (exact-rescore-kernel.ts);
 *  - the documents' int16 codes, in blocks of 8 documents, `pairs` int16 pairs each.
 * The codes come last, so only they grow with the documents; the whole area moves up when the rows
 * before it grow (moveTo).
 */
export class ScreenArea {
  /** int16 pairs per document in the codes now. */
  pairs = 0;
  blockBytes = 0;
  /** Blocks per chunk of a screen (as many as fit in chunkBytes). */
  chunkBlocks = 0;
  private tileBytes = 0;
  private outOffset = 0;
  private stateOffset = 0;
  /** Address of the `basisBytes` the codes' projection uses (the area's start). */
  get basisOffset(): number {
    return this.base;
  }
  /** Address of the first block of codes. */
  matrixOffset = 0;
  /** Documents the codes have room for. */
  private capacity = 0;

  constructor(
    private readonly kernels: SimdKernels,
    private base: number,
    codeDim: number,
    private readonly basisBytes: number,
  ) {
    this.layout(codeDim);
  }

  /** Sizes the parts for codes of `codeDim` entries (the codes' contents are then to be rewritten). */
  layout(codeDim: number): void {
    this.pairs = Math.ceil(codeDim / 2);
    this.blockBytes = this.pairs * screenRowsOf4 * 16;
    this.tileBytes = align16(limitBytes + this.pairs * screenQueries * 4);
    this.chunkBlocks = Math.max(1, Math.floor(chunkBytes / this.blockBytes));
    this.place();
    this.reserve(this.capacity);
  }

  /** Moves the whole area up to `base`, keeping its contents; the bytes it leaves are the caller's. */
  moveTo(base: number): void {
    const size = this.matrixOffset - this.base + Math.ceil(this.capacity / blockDocs) * this.blockBytes;
    reserveMemory(this.kernels.memory, base + size);
    this.kernels.views().u8.copyWithin(base, this.base, this.base + size);
    this.base = base;
    this.place();
  }

  /** Makes room for the codes of `slots` documents (doubling). */
  ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    let next = Math.max(blockDocs, this.capacity);
    while (next < slots) next *= 2;
    this.reserve(next);
    this.capacity = next;
  }

  /** True when `slot` has room for codes. */
  holds(slot: number): boolean {
    return slot < this.capacity;
  }

  /** int16 index of entry x of document `slot`'s codes. */
  codeIndex(slot: number, x: number): number {
    const block = Math.floor(slot / blockDocs);
    const within = slot % blockDocs;
    const byte =
      this.matrixOffset + block * this.blockBytes + (x >> 1) * screenRowsOf4 * 16 + (within >> 2) * 16;
    return byte / 2 + (within & 3) * 2 + (x & 1);
  }

  /** int16 index of entry x of query i's codes in its tile (the queries interleaved by pair). */
  queryCodeIndex(i: number, x: number): number {
    const start = (this.tileOffset(Math.floor(i / screenQueries)) + limitBytes) / 2;
    return start + ((x >> 1) * screenQueries + (i % screenQueries)) * 2 + (x & 1);
  }

  /** Address of a tile's limits and query codes (the kernels' `q`). */
  tileOffset(tile: number): number {
    return this.base + align16(this.basisBytes) + tile * this.tileBytes;
  }

  /** Address of a tile's control block (the kernels' `out`), its lists of hits after it. */
  controlOffset(tile: number): number {
    return this.outOffset + tile * this.outBytes;
  }

  /** Address of the rescoring state of query i of the group. */
  queryState(i: number): number {
    return this.stateOffset + i * stateBytes;
  }

  /**
   * Writes the limits of a tile's queries as the kernels' bars, int32s splatted over 4 lanes: the
   * largest integer score below the limit (⌊limit⌋ − 1, clamped to int32), so an integer score reaches
   * the limit when it is above the bar (one compare instruction where ≥ takes two).
   */
  writeLimits(tile: number, limits: Float64Array): void {
    const base = this.tileOffset(tile) / 4;
    const ints = this.kernels.views().i32;
    for (let i = 0; i < screenQueries; i++) {
      const limit = limits[tile * screenQueries + i] as number;
      const value = Math.min(int32Max, Math.max(int32Min, Math.floor(limit) - 1));
      ints.fill(value, base + i * 4, base + i * 4 + 4);
    }
  }

  /** Bytes between two queries' lists of hits: room for every document of a chunk. */
  get regionBytes(): number {
    return this.chunkBlocks * blockDocs * 8;
  }

  /**
   * The chunks of blocks a screen walks, as [first block, blocks]: the first ones short, so the limits
   * tighten before most documents are screened, then `chunkBlocks` at a time.
   */
  *chunks(slots: number): Generator<[number, number]> {
    const blocks = Math.ceil(slots / blockDocs);
    for (let first = 0, span = 2; first < blocks; first += span, span = Math.min(this.chunkBlocks, span * 4))
      yield [first, Math.min(span, blocks - first)];
  }

  private get outBytes(): number {
    return align16(hitsOffset + screenQueries * this.regionBytes);
  }

  private place(): void {
    this.outOffset = this.tileOffset(tiles);
    this.stateOffset = this.outOffset + tiles * this.outBytes;
    this.matrixOffset = align16(this.stateOffset + groupQueries * stateBytes);
  }

  private reserve(slots: number): void {
    reserveMemory(this.kernels.memory, this.matrixOffset + Math.ceil(slots / blockDocs) * this.blockBytes);
  }
}

/** Each query's starting limit (`initial`, else −∞), +∞ for the spare lanes of the last tile. */
export function startingLimits(count: number, initial?: readonly number[]): Float64Array {
  const limits = new Float64Array(Math.ceil(count / screenQueries) * screenQueries);
  limits.fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < count; i++) limits[i] = initial?.[i] ?? Number.NEGATIVE_INFINITY;
  return limits;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;
const int32Min = -2147483648;
const int32Max = 2147483647;
