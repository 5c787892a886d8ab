import { codeScale as scale, control, hitsOffset } from "./exact-rescore-kernel.js";
import {
  codeLength,
  encodeCoordinates,
  encodeProjected,
  firstStagePairs,
  headWidths,
  projectionSlack,
  widestHead,
} from "./projected-codes.js";
import { principalSubspace } from "./principal-subspace.js";
import { screenAndRescore } from "./rescored-screen.js";
import {
  blockDocs,
  type FloatRows,
  groupQueries,
  kernelK,
  ScreenArea,
  startingLimits,
} from "./screen-area.js";
import { type MemoryViews, type SimdKernels, screenQueries } from "./simd-kernels.js";
import { TopK } from "./top-k.js";

export { type FloatRows, groupQueries } from "./screen-area.js";

/** Slack for norms of float32-normalised vectors (1 ± a few ulps) in the error bound. */
const normSlack = 1.0001;
/** Pairs of the first screen of projected codes (all of the narrowest codes, a prefix of wider ones). */
const firstPairs = 8;
/** Documents from which wider codes skip the first screen (the first short chunks are then a small part). */
const unguidedDocs = 32768;
/** An exact rescore (a gathered float32 row) costs about as much as this many int16 pair products. */
const rescoreCost = 1000;
/** Smallest dimension at which projected codes pay (they cost 8 pairs against ⌈dim/2⌉). */
const minProjectedDim = 48;
/** Live documents before a projection is fitted (below that, a full screen is quick anyway). */
const minProjectedDocs = 1024;
/** Documents sampled (evenly by slot) to fit the projection. */
const sampleDocs = 4096;

/** Rescores `slots[0 .. count)` exactly (float32) for the group's query `query` and offers each to `top`. */
export type ExactRescore = (query: number, slots: Int32Array, count: number, top: TopK) => void;

/**
 * An int16 copy of the dense index's unit vectors that screens documents for exact top-k search of
 * many queries, in tiles of 4 queries × 8 documents; documents that pass are rescored exactly (in
 * WebAssembly, or by the caller for coordinate codes and k above 128), and the exact k-th best score
 * so far sets each query's limit. The codes live in the dense index's memory, after its rows
 * (ScreenArea). The codes are either
 *  - coordinates: round(32000·x) per dimension, or
 *  - projected (dimensions ≥ 48, once there are 1,024 documents): round(32000·Vx) for an orthonormal
 *    basis V of the h leading principal directions of the documents (h = 15, 31 or 61), then
 *    ⌈32000·‖x − VᵀVx‖⌉, so the integer score I adds an upper bound of the rest's dot product
 *    (Cauchy–Schwarz) to the head's: 8, 16 or 32 pairs per document instead of ⌈dim/2⌉. The 61
 *    directions are staged: their first 16 pairs are the 31-direction codes, whose score bounds the
 *    whole one, so a block of documents none of which passes on them is not screened further (with
 *    the same margin: the 31 directions' rounding errors are part of the 61's).
 * In both, with e the head codes' rounding errors (kept exactly per query, as a running maximum over
 * documents) and ε bounding float32 rounding of the exact kernel,
 *   exact score · 32000² ≤ I + Δ + 32000²·(ε + ρ),  Δ = 32000·(‖e_q‖ + ‖e_d‖)·1.0001 + ‖e_q‖·‖e_d‖,
 * ρ the projection's rounding; so a document with I below 32000²·T − Δ − 32000²·(ε + ρ) cannot beat the
 * k-th best exact score T already found, and the results equal exhaustive float32 search. The head
 * starts at 15 directions; when rescoring the documents it lets through costs more than the screen
 * (queries whose nearest documents are not near-copies, so the bound's slack is wide next to the
 * gaps between scores), it widens to 31, then 61, then coordinates, until the index has doubled.
 * Integer sums cannot overflow: by Cauchy–Schwarz |I| ≤ ‖codes_q‖·‖codes_d‖ < 32,020² < 2³¹ for the
 * whole and for the first stage, and the staged codes' repeated norm cancels exactly (int32 sums wrap,
 * so a partial sum out of range between the two would still end right).
 */
export class QuantisedScreen {
  private readonly kernels: SimdKernels;
  private readonly area: ScreenArea;
  private maxDocError = 0;
  private readonly epsilon: number;
  /** Row-major basis of the projected codes (widestHead × dim), or undefined for coordinates. */
  private projection: Float64Array | undefined;
  /** Leading rows of `projection` in the codes now (one of headWidths). */
  private head: number = headWidths[0];
  /** Live documents when the codes' basis was last chosen (0: never). */
  private chosenAt = 0;
  private readonly scratch: Float64Array;
  /**
   * Float32 quads per row: each basis row in the screen's area holds as many float64 quads (zero-padded),
   * then come the projections of the vector being encoded (widestHead float64s).
   */
  private readonly basisQuads: number;
  /** Per query of a group, the slots that passed the screen in the current chunk (reused: no garbage). */
  private pending: Int32Array[] = [];

  /** The screen's area starts at byte `base` of the rows' memory (a multiple of 16, after the rows). */
  constructor(
    readonly dim: number,
    private readonly floats: FloatRows,
    base: number,
  ) {
    this.epsilon = (2 * (dim + 8)) / 2 ** 24;
    this.kernels = floats.kernels;
    this.scratch = new Float64Array(Math.max(dim, widestHead + 3) + 1);
    this.basisQuads = floats.rowBytes / 16;
    this.area = new ScreenArea(this.kernels, base, dim, (widestHead * this.basisQuads * 4 + widestHead) * 8);
    this.sizePending();
  }

  /** "projected" when the codes hold a principal projection, else "coordinates". */
  get basis(): "projected" | "coordinates" {
    return this.projection === undefined ? "coordinates" : "projected";
  }

  /** int16 pairs per document in the codes now (8, 16 or 32 projected; ⌈dim/2⌉ coordinates). */
  get codePairs(): number {
    return this.area.pairs;
  }

  /** Moves the screen's memory up to `base` when the rows before it grew (see ScreenArea). */
  moveTo(base: number): void {
    this.area.moveTo(base);
  }

  /** Stores the int16 codes of a unit vector (or a zero vector) at `slot`. */
  set(slot: number, unit: Float32Array): void {
    this.area.ensureCapacity(slot + 1);
    const features = this.scratch;
    const headError = this.features(unit, this.floats.rows + slot * this.floats.rowBytes, features, 1);
    const codes = this.views.i16;
    for (let x = 0; x < this.area.pairs * 2; x++) codes[this.area.codeIndex(slot, x)] = features[x] as number;
    this.maxDocError = Math.max(this.maxDocError, headError);
  }

  /** Zeroes the codes at `slot` (a removed document scores 0 and must be masked by the caller). */
  clear(slot: number): void {
    if (!this.area.holds(slot)) return;
    const codes = this.views.i16;
    for (let x = 0; x < this.area.pairs * 2; x++) codes[this.area.codeIndex(slot, x)] = 0;
  }

  /**
   * Chooses the codes' basis before a batched search: fits a projection to the live documents the
   * first time there are enough of them and again whenever they have doubled, re-encoding every row.
   */
  prepare(slots: number, alive: Uint8Array, live: number): void {
    if (this.dim < minProjectedDim || live < minProjectedDocs) return;
    if (this.chosenAt > 0 && live < 2 * this.chosenAt) return;
    this.chosenAt = live;
    const sample: Float32Array[] = [];
    const step = Math.max(1, Math.floor(slots / sampleDocs));
    for (let slot = 0; slot < slots; slot += step) if (alive[slot] === 1) sample.push(this.floats.row(slot));
    this.projection = principalSubspace(sample, this.dim, Math.min(widestHead, this.dim - 1));
    this.writeBasis(this.projection);
    this.head = headWidths[0];
    this.reencode(slots, alive, codeLength(this.head));
  }

  /**
   * The exact top k of each of up to `groupQueries` unit queries among the live slots, and how many
   * documents were rescored exactly. One screen over the documents; each query's limit is its k-th
   * best exact score so far (less the error margin), and the documents that reach it are rescored
   * after each chunk, which raises the limit for the next chunk: with projected codes (and k ≤ 128) in
   * WebAssembly, which hands back only the hits that may enter a top k (rescored-screen.ts); else in
   * one gathered list per query through `rescore`. With coordinate codes the limit also follows the
   * k-th best integer score (less twice the margin), so the first chunks are screened against
   * something before any rescoring. Afterwards the codes widen
   * (a wider principal head, then coordinates) when rescoring cost more than the wider screen would.
   */
  searchGroup(
    queries: readonly Float32Array[],
    slots: number,
    alive: Uint8Array,
    k: number,
    rescore: ExactRescore,
  ): { tops: TopK[]; rescored: number } {
    const count = queries.length;
    const squared = scale * scale;
    const tops = queries.map(() => new TopK(k));
    const margins = this.writeQueries(queries);
    const coordinates = this.projection === undefined;
    const guesses = queries.map(() => new TopK(k));
    const pending = this.pending;
    const pendingCount = new Int32Array(count);
    let rescored = 0;
    let initial: number[] | undefined;
    if (!coordinates && (this.head === headWidths[0] || slots < unguidedDocs)) {
      // A first screen on the leading 8 pairs picks each query's k most promising documents; their
      // exact k-th best score is a floor for the query's true k-th best, so the main screen starts tight.
      // It pays with the narrowest codes (tight bounds for near-copies) and on small indexes; on large
      // ones the chunk-by-chunk limits catch up within the first chunks, and with wider codes the
      // extra 8 pairs cost more than the rescoring they save (measured on the benchmark's held-out queries).
      this.scan(count, slots, alive, firstPairs, (i, slot, score) => {
        const guess = guesses[i] as TopK;
        guess.push(slot, score);
        return guess.threshold;
      });
      initial = guesses.map((guess, i) => {
        const seeds = new TopK(k);
        const likely = Int32Array.from(guess.sorted(), (hit) => hit.slot);
        rescore(i, likely, likely.length, seeds);
        rescored += likely.length;
        return squared * seeds.threshold - (margins[i] as number);
      });
    }
    if (!coordinates && k <= kernelK) {
      const group = { slots, alive, k, tops, margins, initial, firstStage: this.firstStagePairs };
      rescored += screenAndRescore(this.area, this.floats, group);
      this.widen(slots, alive, rescored / count - 2 * k);
      return { tops, rescored };
    }
    this.scan(
      count,
      slots,
      alive,
      this.area.pairs,
      (i, slot, score, limit) => {
        (pending[i] as Int32Array)[pendingCount[i] as number] = slot;
        pendingCount[i] = (pendingCount[i] as number) + 1;
        if (!coordinates) return limit;
        const guess = guesses[i] as TopK;
        guess.push(slot, score);
        return Math.max(limit, guess.threshold - 2 * (margins[i] as number));
      },
      (limits) => {
        for (let i = 0; i < count; i++) {
          const listed = pendingCount[i] as number;
          if (listed === 0) continue;
          const top = tops[i] as TopK;
          rescore(i, pending[i] as Int32Array, listed, top);
          rescored += listed;
          pendingCount[i] = 0;
          limits[i] = Math.max(limits[i] as number, squared * top.threshold - (margins[i] as number));
        }
      },
      initial,
    );
    this.widen(slots, alive, rescored / count - 2 * k);
    return { tops, rescored };
  }

  /**
   * Moves the codes to the next wider head (or to coordinates after the widest) when a group's
   * avoidable rescoring (beyond the 2k any screen rescores) cost more than the screen itself: then
   * more pairs per document pay for themselves in documents let through.
   */
  private widen(slots: number, alive: Uint8Array, avoidablePerQuery: number): void {
    if (this.projection === undefined || rescoreCost * avoidablePerQuery <= this.area.pairs * slots) return;
    const next = headWidths.find((width) => width > this.head && width < this.dim);
    if (next === undefined) this.reencode(slots, alive, this.dim, true);
    else {
      this.head = next;
      this.reencode(slots, alive, codeLength(next));
    }
  }

  /**
   * Screens the documents against the group's queries (already written), GEMM-style: the documents
   * are streamed once per group, in chunks small enough to stay in the L2 cache while every tile of 4
   * queries is scored against them. `visit(i, slot, score, limit)` sees each live document whose
   * integer score reaches query i's limit (−∞ at first) and returns the new limit; after each chunk
   * `chunkDone(limits)` may raise the limits.
   */
  private scan(
    count: number,
    slots: number,
    alive: Uint8Array,
    pairs: number,
    visit: (i: number, slot: number, score: number, limit: number) => number,
    chunkDone?: (limits: Float64Array) => void,
    initial?: readonly number[],
  ): void {
    const area = this.area;
    const limits = startingLimits(count, initial);
    const screened = Math.min(pairs, area.pairs) | ((area.pairs - Math.min(pairs, area.pairs)) << 16);
    const ints = this.views.i32;
    const out = area.controlOffset(0);
    ints[(out + control.regionBytes) / 4] = area.regionBytes;
    ints[(out + control.firstStage) / 4] = pairs >= area.pairs ? this.firstStagePairs : 0;
    for (const [first, chunk] of area.chunks(slots)) {
      const matrix = area.matrixOffset + first * area.blockBytes;
      for (let tile = 0; tile * screenQueries < count; tile++) {
        area.writeLimits(tile, limits);
        this.kernels.screen(area.tileOffset(tile), matrix, chunk, screened, out);
        const firstSlot = first * blockDocs;
        for (let lane = 0; lane < screenQueries; lane++) {
          const i = tile * screenQueries + lane;
          const end = (ints[(out + control.hitsEnd) / 4 + lane] as number) / 4;
          for (let at = (out + hitsOffset + lane * area.regionBytes) / 4; at < end; at += 2) {
            const slot = firstSlot + (ints[at] as number);
            const score = ints[at + 1] as number;
            const limit = limits[i] as number;
            if (score < limit || slot >= slots || alive[slot] !== 1) continue;
            limits[i] = visit(i, slot, score, limit);
          }
        }
      }
      chunkDone?.(limits);
    }
  }

  /** Writes the group's queries into their tiles (zeros after them); returns each query's margin. */
  private writeQueries(queries: readonly Float32Array[]): number[] {
    const margins = queries.map((query, i) => this.writeQuery(i, query));
    const tiles = Math.ceil(queries.length / screenQueries);
    for (let i = queries.length; i < tiles * screenQueries; i++) this.writeQuery(i, undefined);
    return margins;
  }

  /** Copies the projection's rows into the screen's area, each zero-padded to the rows' quads. */
  private writeBasis(projection: Float64Array): void {
    const { f64 } = this.views;
    const start = this.area.basisOffset / 8;
    const width = this.basisQuads * 4;
    f64.fill(0, start, start + widestHead * width);
    for (let h = 0; h < projection.length / this.dim; h++)
      f64.set(projection.subarray(h * this.dim, (h + 1) * this.dim), start + h * width);
  }

  /**
   * The codes of a unit vector (or a zero vector) into `out` (2·pairs entries, zero-padded); returns
   * the rounding error ‖e‖ of the head codes (the tail norm's code is rounded up, an upper bound).
   * `address` is where the vector is in the rows' memory (for the projection kernel).
   */
  private features(unit: Float32Array | undefined, address: number, out: Float64Array, side: 1 | -1): number {
    out.fill(0);
    if (unit === undefined) return 0;
    const dim = this.dim;
    if (this.projection === undefined) return encodeCoordinates(unit, dim, out);
    let norm = 0;
    for (let a = 0; a < dim; a++) norm += (unit[a] as number) * (unit[a] as number);
    const basis = this.area.basisOffset;
    const projections = basis + widestHead * this.basisQuads * 32;
    this.kernels.project(basis, address, this.head, this.basisQuads, projections);
    const projected = this.views.f64.subarray(projections / 8, projections / 8 + this.head);
    return encodeProjected(projected, norm, out, side);
  }

  /** int16 pairs of the screen's first stage (the staged prefix of the widest codes), else 0. */
  get firstStagePairs(): number {
    return this.projection === undefined ? 0 : firstStagePairs(this.head);
  }

  /**
   * Writes query i's codes (or zeros) into its tile and returns its margin Δ + 32000²·(ε + ρ) + 1 in integer units.
   */
  private writeQuery(i: number, unit: Float32Array | undefined): number {
    const features = this.scratch;
    const queryError = this.features(unit, this.floats.queries + i * this.floats.rowBytes, features, -1);
    const codes = this.views.i16;
    for (let x = 0; x < this.area.pairs * 2; x++)
      codes[this.area.queryCodeIndex(i, x)] = features[x] as number;
    const docError = this.maxDocError;
    const rho = this.projection === undefined ? 0 : projectionSlack;
    return (
      scale * normSlack * (queryError + docError) +
      queryError * docError +
      scale * scale * (normSlack * normSlack * this.epsilon + rho) +
      1
    );
  }

  /** Re-encodes every live row with codes of `codeDim` entries (back to coordinates when `coordinates`). */
  private reencode(slots: number, alive: Uint8Array, codeDim: number, coordinates = false): void {
    if (coordinates) this.projection = undefined;
    this.area.layout(codeDim);
    this.sizePending();
    this.views.i16.fill(0, this.area.matrixOffset / 2);
    this.maxDocError = 0;
    for (let slot = 0; slot < slots; slot++) if (alive[slot] === 1) this.set(slot, this.floats.row(slot));
  }

  /** A document passes at most once per chunk, so a chunk's documents bound a pending list. */
  private sizePending(): void {
    const room = this.area.chunkBlocks * blockDocs;
    this.pending = Array.from({ length: groupQueries }, () => new Int32Array(room));
  }

  private get views(): MemoryViews {
    return this.kernels.views();
  }
}
