import { reserveMemory } from "../rag/simd-kernels.js";
import { createTableKernels, header, type TableKernels } from "./embedding-kernels.js";
import type { EncodedTexts } from "./vocabulary.js";

/** Typed views of the table's arrays (rebuilt whenever the memory grows). */
export interface TableViews {
  buffer: ArrayBuffer;
  weights: Float32Array;
  /** Gradient rows packed by slot: the k-th row touched since the last update has slot k. */
  grad: Float32Array;
  first: Float32Array;
  second: Float32Array;
  /** Each row's gradient slot plus one (0: not touched since the last update). */
  slots: Int32Array;
  touched: Int32Array;
  scaled: Float32Array;
  i32: Int32Array;
  f64: Float64Array;
}

/** Where one batch was staged: byte addresses of its token counts, token ids and `rows × dim` floats. */
export interface StagedBatch {
  counts: number;
  ids: number;
  rows: number;
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * An embedding table's weights, gradients, optimiser moments and touched-row list in one WebAssembly
 * memory, so the SIMD kernels (embedding-kernels.ts) and the TypeScript loops share them; then a scratch
 * area where each batch's token ids are staged. Tables of odd width have no kernels (plain memory).
 */
export class TableMemory {
  readonly kernels: TableKernels | undefined;
  private readonly buffer: { readonly buffer: ArrayBuffer; grow(pages: number): number } | undefined;
  private readonly offsets: Record<keyof Omit<TableViews, "buffer" | "i32" | "f64">, number>;
  private readonly scratch: number;
  private readonly rows: number;
  private readonly dim: number;
  private views: TableViews;

  constructor(rows: number, dim: number) {
    this.rows = rows;
    this.dim = dim;
    const floats = align(rows * dim * 4);
    let at = header.bytes;
    const next = (bytes: number) => {
      const start = at;
      at += align(bytes);
      return start;
    };
    this.offsets = {
      weights: next(floats),
      grad: next(floats),
      first: next(floats),
      second: next(floats),
      slots: next(rows * 4),
      touched: next(rows * 4),
      // 16 bytes to spare: a 2-lane kernel stores whole v128s here.
      scaled: next(dim * 4 + 16),
    };
    this.scratch = at;
    this.kernels = dim % 2 === 0 && dim > 0 ? createTableKernels(at, dim) : undefined;
    this.buffer = this.kernels?.memory;
    this.views = this.makeViews();
    if (this.kernels) {
      const { i32, f64 } = this.views;
      i32[header.weights / 4] = this.offsets.weights;
      i32[header.grad / 4] = this.offsets.grad;
      i32[header.first / 4] = this.offsets.first;
      i32[header.second / 4] = this.offsets.second;
      i32[header.slots / 4] = this.offsets.slots;
      i32[header.touched / 4] = this.offsets.touched;
      i32[header.scaled / 4] = this.offsets.scaled;
      i32[header.rowBytes / 4] = dim * 4;
      i32[header.pairs / 4] = dim / 2;
      f64.fill(0, header.weightDecay / 8, header.bytes / 8);
    }
  }

  private makeViews(): TableViews {
    const buffer = this.buffer?.buffer ?? new ArrayBuffer(this.scratch);
    const n = this.rows * this.dim;
    const { offsets } = this;
    return {
      buffer,
      weights: new Float32Array(buffer, offsets.weights, n),
      grad: new Float32Array(buffer, offsets.grad, n),
      first: new Float32Array(buffer, offsets.first, n),
      second: new Float32Array(buffer, offsets.second, n),
      slots: new Int32Array(buffer, offsets.slots, this.rows),
      touched: new Int32Array(buffer, offsets.touched, this.rows),
      scaled: new Float32Array(buffer, offsets.scaled, this.dim),
      i32: new Int32Array(buffer, 0, header.bytes / 4),
      f64: new Float64Array(buffer, 0, header.bytes / 8),
    };
  }

  /** The current views (rebuilt if the memory grew since). */
  view(): TableViews {
    if (this.buffer && this.views.buffer !== this.buffer.buffer) this.views = this.makeViews();
    return this.views;
  }

  /**
   * Copies the selected texts' token counts and ids into the scratch area, followed by room for
   * `rows.length × dim` floats (a copy of `floats` when given), and returns their byte addresses.
   */
  stageBatch(texts: EncodedTexts, rows: readonly number[], floats?: Float32Array): StagedBatch {
    const { offsets, ids } = texts;
    let tokens = 0;
    for (const row of rows) tokens += (offsets[row + 1] as number) - (offsets[row] as number);
    const counts = this.scratch;
    const idsAt = align(counts + rows.length * 4);
    const rowsAt = align(idsAt + tokens * 4);
    // 16 bytes to spare: kernels read whole v128s where they need only the first 8 bytes.
    const end = rowsAt + rows.length * this.dim * 4 + 16;
    if (this.buffer) reserveMemory(this.buffer, end);
    const { buffer } = this.view();
    const countView = new Int32Array(buffer, counts, rows.length);
    const idView = new Int32Array(buffer, idsAt, tokens);
    let at = 0;
    rows.forEach((row, b) => {
      const start = offsets[row] as number;
      const stop = offsets[row + 1] as number;
      countView[b] = stop - start;
      idView.set(ids.subarray(start, stop), at);
      at += stop - start;
    });
    if (floats) new Float32Array(buffer, rowsAt, floats.length).set(floats);
    return { counts, ids: idsAt, rows: rowsAt };
  }

  /**
   * Zeroed float arrays of the given sizes in the scratch area (16-byte aligned, with 16 bytes to spare), as
   * views and byte addresses for the kernels; valid until the next call that stages or grows the memory.
   */
  scratchFloats(sizes: readonly number[]): { views: Float32Array[]; addresses: number[] } {
    const addresses: number[] = [];
    let end = this.scratch;
    for (const size of sizes) {
      addresses.push(end);
      end = align(end + size * 4 + 16);
    }
    if (this.buffer) reserveMemory(this.buffer, end);
    const { buffer } = this.view();
    const views = sizes.map((size, i) => new Float32Array(buffer, addresses[i] as number, size).fill(0));
    return { views, addresses };
  }

  /** Byte address of the table's weights in its memory. */
  get weightsAddress(): number {
    return this.offsets.weights;
  }

  /** A copy of `count` floats at byte address `at`. */
  floatsAt(at: number, count: number): Float32Array {
    return new Float32Array(this.view().buffer, at, count).slice();
  }
}
