// Dot-product kernels for dense search, as a tiny WebAssembly module with 128-bit SIMD assembled
// in wasm-assembler.ts. V8 compiles the SIMD instructions to SSE/AVX on x64 and NEON on arm64.
//
// dots1 is the exact kernel: float32 dot products of one query with consecutive rows.
// i16 kernels score many queries against blocks of int16-quantised documents (i32x4.dot_i16x8_s
// multiplies and pair-adds 8 lanes per instruction, twice the work of an f32x4 multiply): they
// screen candidates for batched search, which then rescores the candidates with the same float32
// arithmetic (dotsList from JavaScript, or rescoreListed in WebAssembly: exact-rescore-kernel.ts).
import {
  control,
  dotLoop,
  dotStep,
  hitList,
  interleaved,
  laneScratch,
  laneSum,
  rescoreListedKernel,
} from "./exact-rescore-kernel.js";
import { projectionKernel } from "./projection-kernel.js";
import { assembleModule, bump, countDown, type KernelSource, op, valueType } from "./wasm-assembler.js";

const { i32, v128 } = valueType;

/**
 * The exact float32 kernels, four lane accumulators per row summed at the end, so both give the same
 * score for a row bit for bit:
 * - dots1(q, m, rows, quads, out): for each of `rows` float32 rows at byte address m (each `quads` × 4
 *   floats long) writes ⟨query at q, row⟩ to out[r] (f32);
 * - dotsList(q, list, count, quads, _): the same for rows scattered in memory: `list` holds `count`
 *   int32 byte addresses of rows, and each entry is overwritten with its row's score (f32). The loads
 *   of different rows overlap, so a list of rescoring candidates costs far less than a call per row.
 */
function dotsKernel(gathered: boolean): KernelSource {
  const [q, rowsOrList, count, quads, out, j, qp, m, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
  const store = gathered ? rowsOrList : out;
  const rows = Array.from({ length: interleaved }, (_, r) => r);
  const code = [
    ...(gathered
      ? interleavedRows(q, rowsOrList, count, quads, j, qp)
      : [...op.get(rowsOrList), ...op.set(m)]),
    ...op.block,
    ...op.get(count),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.loop,
    ...op.v128Zero,
    ...op.set(acc),
    ...op.get(q),
    ...op.set(qp),
    ...(gathered ? [...op.get(rowsOrList), ...op.i32Load(), ...op.set(m)] : []),
    ...dotLoop(m, qp, j, quads, acc),
    ...op.get(store),
    ...laneSum(acc),
    ...op.f32Store(),
    ...bump(store, 4),
    ...countDown(count),
    ...op.end,
    ...op.end,
  ];
  return {
    name: gathered ? "dotsList" : "dots1",
    // dotsList's interleaved rows each have an address (i32) and an accumulator (v128): see interleavedRows.
    locals: [
      [3, i32],
      [1, v128],
      ...(gathered
        ? rows.flatMap((): [number, number][] => [
            [1, i32],
            [1, v128],
          ])
        : []),
    ],
    code,
  };
}

/**
 * dotsList's first part: while `interleaved` or more rows are left in the list, scores that many
 * together, each row with its own accumulator (locals 9 + 2r for its address, 10 + 2r for its sum) and
 * the same operations in the same order as alone, so the gathered rows' loads overlap more; the rest
 * go one at a time after it.
 */
function interleavedRows(
  q: number,
  list: number,
  count: number,
  quads: number,
  j: number,
  qp: number,
): number[] {
  const row = (r: number) => 9 + 2 * r;
  const rowAcc = (r: number) => 10 + 2 * r;
  const rows = Array.from({ length: interleaved }, (_, r) => r);
  const code: number[] = [...op.block, ...op.loop];
  code.push(...op.get(count), ...op.i32Const(interleaved), ...op.i32LtU, ...op.brIf(1));
  for (const r of rows)
    code.push(...op.v128Zero, ...op.set(rowAcc(r)), ...op.get(list), ...op.i32Load(4 * r), ...op.set(row(r)));
  code.push(...op.get(q), ...op.set(qp), ...op.get(quads), ...op.set(j), ...op.loop);
  for (const r of rows) code.push(...dotStep(row(r), qp, rowAcc(r)));
  code.push(...bump(qp, 16), ...countDown(j), ...op.end);
  for (const r of rows) code.push(...op.get(list), ...laneSum(rowAcc(r)), ...op.f32Store(), ...bump(list, 4));
  code.push(...op.get(count), ...op.i32Const(interleaved), ...op.i32Sub, ...op.set(count), ...op.br(0));
  code.push(...op.end, ...op.end);
  return code;
}

/**
 * The int16 screening kernel for Q queries and blocks of 4·R documents:
 * screen(q, m, blocks, pairs, out). The low 16 bits of `pairs` are the pairs screened, the high 16 bits
 * how many more each block stores after them (skipped: a screen on a prefix of wider codes).
 * - Documents: blocks of 4·R at m; for each pair of dimensions p, R vectors of 8 int16 (document lane
 *   l of vector h holds dimensions 2p and 2p + 1 of document 4h + l).
 * - q: Q bars (int32 splatted to 4 lanes, 16 bytes each: a score reaches its query's limit when it
 *   is above the bar, the limit less one; see ScreenArea.writeLimits), then the queries interleaved
 *   by pair: the int32 at q + 16·Q + (p·Q + i)·4 holds query i's dimensions 2p and 2p + 1, so one
 *   load32_splat gives a vector that multiplies every document lane.
 * - out: a control block (exact-rescore-kernel.ts), then the hits: every score that reaches its
 *   query's limit, as pairs of int32 (document, score), the document counted from the first block (4·R
 *   per block), in one list per query (query i's from out + hitsOffset + i · control.regionBytes, in
 *   document order), each list's end address at out + control.hitsEnd + 4i. A block is looked at lane
 *   by lane only when some score in it reaches its limit (16 bytes at out + laneScratch hold the
 *   accumulator being listed), so the caller reads only the hits, never the scores that miss.
 * - Staged codes: when the control block's firstStage is not 0, a block goes on past its first
 *   firstStage pairs only when some partial score there is above its bar; the codes must make that
 *   partial score a bound of the whole (QuantisedScreen's staged codes).
 */
function screenKernel(queries: number, rowsOf4: number): KernelSource {
  const [q, m, blocks, pairs, out, j, qp, block, mask, lane, regionBytes, skip] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ] as const;
  const list = (i: number) => 12 + i;
  const [firstBytes, restBytes] = [12 + queries, 13 + queries] as const;
  const splat = 14 + queries;
  const flag = splat + 1;
  const doc = (h: number) => flag + 1 + h;
  const acc = (i: number, h: number) => flag + 1 + rowsOf4 + i * rowsOf4 + h;
  const limits = queries * 16;
  const rowBytes = rowsOf4 * 16;
  const code: number[] = [
    // pairs = pairs screened | (pairs skipped after them in each block) << 16
    ...[...op.get(pairs), ...op.i32Const(16), ...op.i32ShrU, ...op.i32Const(rowBytes), ...op.i32Mul],
    ...[...op.set(skip), ...op.get(pairs), ...op.i32Const(0xffff), ...op.i32And, ...op.set(pairs)],
    ...[...op.get(out), ...op.i32Load(control.regionBytes), ...op.set(regionBytes)],
    // The first stage's bytes per block (all the pairs screened when the control block says 0), the rest's.
    ...[...op.get(out), ...op.i32Load(control.firstStage), ...op.tee(firstBytes), ...op.i32Eqz, ...op.if],
    ...[...op.get(pairs), ...op.set(firstBytes), ...op.end],
    ...[...op.get(pairs), ...op.get(firstBytes), ...op.i32Sub, ...op.i32Const(rowBytes), ...op.i32Mul],
    ...[...op.set(restBytes), ...op.get(firstBytes), ...op.i32Const(rowBytes), ...op.i32Mul],
    ...op.set(firstBytes),
  ];
  for (let i = 0; i < queries; i++) code.push(...hitList(out, i, regionBytes), ...op.set(list(i)));
  code.push(...[...op.block, ...op.get(blocks), ...op.i32Eqz, ...op.brIf(0), ...op.loop]);
  for (let i = 0; i < queries; i++)
    for (let h = 0; h < rowsOf4; h++) code.push(...op.v128Zero, ...op.set(acc(i, h)));
  code.push(...op.get(q), ...op.set(qp), ...pairLoop(firstBytes), ...reachedAny());
  // Only a block in which some partial score is above its bar goes on to the rest of the pairs (the
  // codes' first stage bounds the whole score: see QuantisedScreen); then a block in which some score
  // is above its bar lists each one that is, looking only at the rows of the queries with a hit.
  code.push(...op.get(flag), ...op.v128AnyTrue, ...op.if);
  code.push(...op.get(restBytes), ...op.if, ...pairLoop(restBytes), ...reachedAny(), ...op.end);
  code.push(...op.get(m), ...op.get(skip), ...op.i32Add, ...op.set(m));
  code.push(...op.get(flag), ...op.v128AnyTrue, ...op.if);
  for (let i = 0; i < queries; i++) {
    code.push(...reached(i), ...op.v128AnyTrue, ...op.if);
    for (let h = 0; h < rowsOf4; h++) code.push(...listHits(i, h, acc(i, h)));
    code.push(...op.end);
  }
  code.push(...op.end, ...op.else, ...op.get(m), ...op.get(restBytes), ...op.i32Add, ...op.get(skip));
  code.push(...op.i32Add, ...op.set(m), ...op.end);
  code.push(...bump(block, 1), ...countDown(blocks), ...op.end, ...op.end);
  for (let i = 0; i < queries; i++)
    code.push(...op.get(out), ...op.get(list(i)), ...op.i32Store(control.hitsEnd + 4 * i));
  return {
    name: `screen${queries}x${rowsOf4}`,
    locals: [
      [9 + queries, i32],
      [2 + rowsOf4 + queries * rowsOf4, v128],
    ],
    code,
  };

  /**
   * Adds the products of the pairs in the next `bytes` (a local, not 0) of the block's codes to the
   * accumulators; j is the address after them, so m and qp are the loop's only induction variables.
   */
  function pairLoop(bytes: number): number[] {
    const loop = [...op.get(m), ...op.get(bytes), ...op.i32Add, ...op.set(j), ...op.loop];
    for (let h = 0; h < rowsOf4; h++) loop.push(...op.get(m), ...op.v128Load(h * 16), ...op.set(doc(h)));
    for (let i = 0; i < queries; i++) {
      loop.push(...op.get(qp), ...op.v128Load32Splat(limits + i * 4), ...op.set(splat));
      for (let h = 0; h < rowsOf4; h++)
        loop.push(
          ...op.get(acc(i, h)),
          ...op.get(doc(h)),
          ...op.get(splat),
          ...op.i32x4DotI16x8,
          ...op.i32x4Add,
          ...op.set(acc(i, h)),
        );
    }
    loop.push(...bump(m, rowBytes), ...bump(qp, queries * 4), ...op.get(m), ...op.get(j), ...op.i32Ne);
    return [...loop, ...op.brIf(0), ...op.end];
  }

  /** Sets `flag`: the lanes in which some query's best score over the block's rows is above its bar. */
  function reachedAny(): number[] {
    const any: number[] = [...op.v128Zero, ...op.set(flag)];
    for (let i = 0; i < queries; i++) any.push(...op.get(flag), ...reached(i), ...op.v128Or, ...op.set(flag));
    return any;
  }

  /** Pushes the lanes in which query i's best score over the block's rows is above its bar. */
  function reached(i: number): number[] {
    const best = [...op.get(acc(i, 0))];
    for (let h = 1; h < rowsOf4; h++) best.push(...op.get(acc(i, h)), ...op.i32x4MaxS);
    return [...best, ...op.get(q), ...op.v128Load(i * 16), ...op.i32x4GtS];
  }

  /** Appends (document, score) to query i's list for each lane of accumulator `a` (documents 4h ..) at its limit. */
  function listHits(i: number, h: number, a: number): number[] {
    return [
      ...[...op.get(a), ...op.get(q), ...op.v128Load(i * 16), ...op.i32x4GtS, ...op.i32x4Bitmask],
      ...[...op.tee(mask), ...op.if, ...op.get(out), ...op.get(a), ...op.v128Store(laneScratch), ...op.loop],
      ...[...op.get(mask), ...op.i32Ctz, ...op.set(lane), ...op.get(list(i))],
      // document = block · 4R + 4h + lane
      ...[...op.get(block), ...op.i32Const(rowsOf4 * 4), ...op.i32Mul, ...op.get(lane), ...op.i32Add],
      ...[...op.i32Const(4 * h), ...op.i32Add, ...op.i32Store(), ...op.get(list(i))],
      ...[
        ...op.get(out),
        ...op.get(lane),
        ...op.i32Const(2),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.i32Load(laneScratch),
      ],
      ...[...op.i32Store(4), ...bump(list(i), 8)],
      ...[...op.get(mask), ...op.get(mask), ...op.i32Const(1), ...op.i32Sub, ...op.i32And, ...op.tee(mask)],
      ...[...op.brIf(0), ...op.end, ...op.end],
    ];
  }
}

/**
 * Queries and 4-document vectors per block of the screening kernel: 4 × 2 keeps 8 accumulators, 2
 * document vectors and a query splat in registers; measured fastest of 2×2, 2×4, 3×3, 4×1, 4×2,
 * 5×2, 6×2 and 8×1 (`npm run bench -- rag`, 100,000 × 100-d documents).
 */
export const screenQueries = 4;
export const screenRowsOf4 = 2;

/** The slice of the WebAssembly JS API used here (lib "dom" is not in this project's TypeScript libs). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A kernel: (queries address, matrix address, rows or blocks, quads or pairs per row, output address). */
export type Kernel = (q: number, m: number, count: number, length: number, out: number) => void;

/** Typed views of a WebAssembly memory's buffer (growing the memory detaches the previous ones). */
export interface MemoryViews {
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
  i16: Int16Array;
  u8: Uint8Array;
}

/** The SIMD kernels bound to one WebAssembly memory. */
export interface SimdKernels {
  memory: WasmMemory;
  /** Views of the memory as it is now (the same objects until it grows). */
  views(): MemoryViews;
  /** Exact float32 dot products of one query with consecutive rows. */
  dots1: Kernel;
  /** dots1's products for a list of row addresses, each entry overwritten by its score. */
  dotsList: Kernel;
  /** int16 screening of `screenQueries` queries against blocks of 4·`screenRowsOf4` documents. */
  screen: Kernel;
  /** The rescoring alone, on the lists of hits a screen left at `out` (rescoreHits). */
  rescoreListed: Kernel;
  /** float64 projections of a float32 row on a basis (projection-kernel.ts). */
  project: Kernel;
}

/** Grows `memory` to hold at least `bytes`; true when it grew (typed-array views must then be rebuilt). */
export function reserveMemory(memory: WasmMemory, bytes: number): boolean {
  const missing = bytes - memory.buffer.byteLength;
  if (missing <= 0) return false;
  memory.grow(Math.ceil(missing / 65536));
  return true;
}

let compiled: object | undefined;

/** Instantiates the kernels over a fresh memory of `bytes` (rounded up to 64 KiB pages). */
export function createSimdKernels(bytes: number): SimdKernels {
  const screen = screenKernel(screenQueries, screenRowsOf4);
  const listed = rescoreListedKernel(screenQueries);
  const project = projectionKernel();
  const kernels = [dotsKernel(false), dotsKernel(true), screen, listed, project];
  compiled ??= new wasm.Module(assembleModule(kernels));
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new wasm.Instance(compiled, { env: { memory } });
  const exports = instance.exports as Record<string, Kernel>;
  let views: MemoryViews | undefined;
  return {
    memory,
    views: () => {
      const buffer = memory.buffer;
      if (views?.u8.buffer !== buffer)
        views = {
          f32: new Float32Array(buffer),
          f64: new Float64Array(buffer),
          i32: new Int32Array(buffer),
          i16: new Int16Array(buffer),
          u8: new Uint8Array(buffer),
        };
      return views;
    },
    dots1: exports.dots1 as Kernel,
    dotsList: exports.dotsList as Kernel,
    screen: exports[screen.name] as Kernel,
    rescoreListed: exports[listed.name] as Kernel,
    project: exports[project.name] as Kernel,
  };
}
