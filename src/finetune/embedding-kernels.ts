// The embedding table's hot loops (mean-bag gather, its scatter-add backward and the lazy Adam step) as
// WebAssembly SIMD kernels, assembled with src/rag/wasm-assembler.ts. Each kernel does, element by
// element, exactly the arithmetic of the TypeScript loops it replaces: float32 adds and divides in
// f32 lanes, and the double-precision gradient and Adam arithmetic in f64x2 lanes, rounded to float32
// where the TypeScript stores into a Float32Array. So results are bit-identical to the plain loops.
import { assembleModule, bump, countDown, type KernelSource, op, valueType } from "../rag/wasm-assembler.js";
import { axpyPair } from "./conv-backward-kernel.js";

const { i32, v128 } = valueType;
const simd = (code: number, ...rest: number[]) => [0xfd, code, ...rest];

// Encodings beyond the assembler's set (WebAssembly core and SIMD specs).
const ops = {
  i32Load8U: [0x2d, 0, 0],
  i32Store8: [0x3a, 0, 0],
  f32ConvertI32S: [0xb2],
  f64ConvertI32S: [0xb7],
  f64Div: [0xa3],
  f32x4Splat: simd(0x13),
  f64x2Splat: simd(0x14),
  load64Splat: (offset: number) => simd(0x0a, 3, offset),
  store64Lane: simd(0x5b, 3, 0, 0),
  f32x4Div: simd(0xe7, 0x01),
  demote: simd(0x5e),
  f64x2Sqrt: simd(0xef, 0x01),
  f64x2Sub: simd(0xf1, 0x01),
  f64x2Div: simd(0xf3, 0x01),
};

/**
 * Byte addresses of the header at the start of the table's memory: i32 fields the kernels read, then
 * the f64 Adam constants of the current step.
 */
export const header = {
  weights: 0,
  grad: 4,
  first: 8,
  second: 12,
  mark: 16,
  touched: 20,
  touchedCount: 24,
  scaled: 28,
  rowBytes: 32,
  pairs: 36,
  weightDecay: 64,
  beta1: 72,
  oneMinusBeta1: 80,
  beta2: 88,
  oneMinusBeta2: 96,
  stepSize: 104,
  secondCorrection: 112,
  epsilon: 120,
  bytes: 128,
} as const;

const field = (address: number) => [...op.i32Const(0), ...op.i32Load(address)];
/** Sets a local to the header's i32 field at `address`. */
const fieldInto = (address: number, local: number) => [...field(address), ...op.set(local)];
/** Copies local `from` into local `to`. */
const move = (from: number, to: number) => [...op.get(from), ...op.set(to)];
/** Pushes the sum of two i32 locals. */
const sum = (a: number, b: number) => [...op.get(a), ...op.get(b), ...op.i32Add];
/** Reads the i32 at the address in `pointer` into `into` and advances the pointer. */
const next = (pointer: number, into: number) => [
  ...op.get(pointer),
  ...op.i32Load(),
  ...op.set(into),
  ...bump(pointer, 4),
];
/**
 * Pushes two consecutive float32 at the address in `local`, widened to f64x2. It loads a whole v128 (the
 * memory layout leaves 16 bytes after every array): V8 11's optimising tier miscompiled
 * `f64x2.promote_low_f32x4(v128.load64_zero)` here (zeros once a kernel tiered up).
 */
const loadPair = (local: number) => [...op.get(local), ...op.v128Load(), ...op.f64x2PromoteLowF32x4];
/** Loops `count` (a local, at least 1) times over `body`. */
const repeat = (count: number, body: number[]) => [...op.loop, ...body, ...countDown(count), ...op.end];
/** Runs `body` unless the local is zero. */
const unlessZero = (local: number, body: number[]) => [
  ...op.block,
  ...op.get(local),
  ...op.i32Eqz,
  ...op.brIf(0),
  ...body,
  ...op.end,
];

/**
 * bagGather(counts, ids, out, texts, _): for each of `texts` texts (its token count at `counts`, its
 * token ids next at `ids`), the float32 sum of its rows in token order, divided by the count when it is
 * not zero, written to consecutive rows at `out`. `quads`: 4 lanes per step (dim % 4 = 0), else 2.
 */
function bagGather(quads: boolean): KernelSource {
  const [counts, ids, out, texts, n, j, rowPointer, outPointer, t, base, rowBytes, units] = [
    0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12,
  ] as const;
  const divisor = 13;
  const step = quads ? 16 : 8;
  const load = (local: number) => [...op.get(local), ...op.v128Load()];
  const store = quads ? op.v128Store() : ops.store64Lane;
  const overRow = (body: number[]) => [
    ...move(out, outPointer),
    ...move(units, j),
    ...repeat(j, [...body, ...bump(outPointer, step)]),
  ];
  const code = [
    ...fieldInto(header.weights, base),
    ...fieldInto(header.rowBytes, rowBytes),
    ...field(header.pairs),
    ...(quads ? [...op.i32Const(1), 0x76] : []), // i32.shr_u: pairs / 2
    ...op.set(units),
    ...unlessZero(texts, [
      ...op.loop,
      ...next(counts, n),
      ...overRow([...op.get(outPointer), ...op.v128Zero, ...store]),
      ...move(n, t),
      ...unlessZero(t, [
        ...repeat(t, [
          ...op.get(base),
          ...op.get(ids),
          ...op.i32Load(),
          ...op.get(rowBytes),
          ...op.i32Mul,
          ...op.i32Add,
          ...op.set(rowPointer),
          ...bump(ids, 4),
          ...overRow([
            ...op.get(outPointer),
            ...load(outPointer),
            ...load(rowPointer),
            ...op.f32x4Add,
            ...store,
            ...bump(rowPointer, step),
          ]),
        ]),
      ]),
      ...unlessZero(n, [
        ...op.get(n),
        ...ops.f32ConvertI32S,
        ...ops.f32x4Splat,
        ...op.set(divisor),
        ...overRow([
          ...op.get(outPointer),
          ...load(outPointer),
          ...op.get(divisor),
          ...ops.f32x4Div,
          ...store,
        ]),
      ]),
      ...sum(out, rowBytes),
      ...op.set(out),
      ...countDown(texts),
      ...op.end,
    ]),
  ];
  return {
    name: quads ? "bagGather4" : "bagGather2",
    locals: [
      [8, i32],
      [1, v128],
    ],
    code,
  };
}

/**
 * bagScatter(counts, ids, pooledGrad, texts, _): the backward of bagGather. For each text with tokens,
 * scaled = pooledGrad row (f32) × (1 / count) in f64, then for each token: marks its row touched (the
 * header's touched list and count) and adds scaled to its gradient row, each element an f64 sum rounded
 * once to float32.
 */
function bagScatter(): KernelSource {
  const [counts, ids, pooled, texts, n, j, gradPointer, scaledPointer, pooledPointer] = [
    0, 1, 2, 3, 5, 6, 7, 8, 9,
  ] as const;
  const [gradBase, rowBytes, id, touchedCount, markBase, touchedBase, t, scaledBase, pairs] = [
    10, 11, 12, 13, 14, 15, 16, 17, 18,
  ] as const;
  const scale = 19;
  const code = [
    ...fieldInto(header.grad, gradBase),
    ...fieldInto(header.rowBytes, rowBytes),
    ...fieldInto(header.touchedCount, touchedCount),
    ...fieldInto(header.mark, markBase),
    ...fieldInto(header.touched, touchedBase),
    ...fieldInto(header.scaled, scaledBase),
    ...fieldInto(header.pairs, pairs),
    ...unlessZero(texts, [
      ...op.loop,
      ...next(counts, n),
      ...unlessZero(n, [
        ...op.f64Const(1),
        ...op.get(n),
        ...ops.f64ConvertI32S,
        ...ops.f64Div,
        ...ops.f64x2Splat,
        ...op.set(scale),
        ...move(scaledBase, scaledPointer),
        ...move(pooled, pooledPointer),
        ...move(pairs, j),
        ...repeat(j, [
          ...op.get(scaledPointer),
          ...loadPair(pooledPointer),
          ...op.get(scale),
          ...op.f64x2Mul,
          ...op.v128Store(),
          ...bump(scaledPointer, 16),
          ...bump(pooledPointer, 8),
        ]),
        ...move(n, t),
        ...repeat(t, [
          ...next(ids, id),
          ...sum(markBase, id),
          ...ops.i32Load8U,
          ...op.i32Eqz,
          ...op.if,
          ...sum(markBase, id),
          ...op.i32Const(1),
          ...ops.i32Store8,
          ...op.get(touchedBase),
          ...op.get(touchedCount),
          ...op.i32Const(2),
          ...op.i32Shl,
          ...op.i32Add,
          ...op.get(id),
          ...op.i32Store(),
          ...bump(touchedCount, 1),
          ...op.end,
          ...op.get(gradBase),
          ...op.get(id),
          ...op.get(rowBytes),
          ...op.i32Mul,
          ...op.i32Add,
          ...op.set(gradPointer),
          ...move(scaledBase, scaledPointer),
          ...move(pairs, j),
          ...repeat(j, [
            ...op.get(gradPointer),
            ...loadPair(gradPointer),
            ...op.get(scaledPointer),
            ...op.v128Load(),
            ...op.f64x2Add,
            ...ops.demote,
            ...ops.store64Lane,
            ...bump(gradPointer, 8),
            ...bump(scaledPointer, 16),
          ]),
        ]),
      ]),
      ...sum(pooled, rowBytes),
      ...op.set(pooled),
      ...countDown(texts),
      ...op.end,
    ]),
    ...op.i32Const(0),
    ...op.get(touchedCount),
    ...op.i32Store(header.touchedCount),
  ];
  return {
    name: "bagScatter",
    locals: [
      [14, i32],
      [1, v128],
    ],
    code,
  };
}

/**
 * lazyAdam(_, _, _, _, _): one Adam step (the header's f64 constants) on each touched row, clearing its
 * gradient and mark: g = grad + wd·w; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g·g;
 * w = w - (stepSize·m) / (√(v·secondCorrection) + ε), all in f64, stored as float32.
 */
function lazyAdam(): KernelSource {
  const [k, touchedPointer, id, j, w, g, m, v, markBase, rowBytes, offset] = [
    0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11,
  ] as const;
  const [weights, grad, first, second, pairs] = [12, 13, 14, 15, 16] as const;
  const [decay, b1, c1, b2, c2, stepSize, correction, eps, wv, gv, mv, vv] = [
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
  ] as const;
  const constant = (address: number, local: number) => [
    ...op.i32Const(0),
    ...ops.load64Splat(address),
    ...op.set(local),
  ];
  const at = (base: number, local: number) => [...sum(base, offset), ...op.set(local)];
  const store = (local: number, value: number[]) => [
    ...op.get(local),
    ...value,
    ...ops.demote,
    ...ops.store64Lane,
  ];
  const code = [
    ...fieldInto(header.touchedCount, k),
    ...fieldInto(header.touched, touchedPointer),
    ...fieldInto(header.mark, markBase),
    ...fieldInto(header.rowBytes, rowBytes),
    ...fieldInto(header.weights, weights),
    ...fieldInto(header.grad, grad),
    ...fieldInto(header.first, first),
    ...fieldInto(header.second, second),
    ...fieldInto(header.pairs, pairs),
    ...constant(header.weightDecay, decay),
    ...constant(header.beta1, b1),
    ...constant(header.oneMinusBeta1, c1),
    ...constant(header.beta2, b2),
    ...constant(header.oneMinusBeta2, c2),
    ...constant(header.stepSize, stepSize),
    ...constant(header.secondCorrection, correction),
    ...constant(header.epsilon, eps),
    ...unlessZero(k, [
      ...repeat(k, [
        ...next(touchedPointer, id),
        ...sum(markBase, id),
        ...op.i32Const(0),
        ...ops.i32Store8,
        ...op.get(id),
        ...op.get(rowBytes),
        ...op.i32Mul,
        ...op.set(offset),
        ...at(weights, w),
        ...at(grad, g),
        ...at(first, m),
        ...at(second, v),
        ...move(pairs, j),
        ...repeat(j, [
          ...loadPair(w),
          ...op.set(wv),
          ...loadPair(g),
          ...op.get(decay),
          ...op.get(wv),
          ...op.f64x2Mul,
          ...op.f64x2Add,
          ...op.set(gv),
          ...op.get(g),
          ...op.v128Zero,
          ...ops.store64Lane,
          ...op.get(b1),
          ...loadPair(m),
          ...op.f64x2Mul,
          ...op.get(c1),
          ...op.get(gv),
          ...op.f64x2Mul,
          ...op.f64x2Add,
          ...op.set(mv),
          ...op.get(b2),
          ...loadPair(v),
          ...op.f64x2Mul,
          ...op.get(c2),
          ...op.get(gv),
          ...op.f64x2Mul,
          ...op.get(gv),
          ...op.f64x2Mul,
          ...op.f64x2Add,
          ...op.set(vv),
          ...store(m, op.get(mv)),
          ...store(v, op.get(vv)),
          ...store(w, [
            ...op.get(wv),
            ...op.get(stepSize),
            ...op.get(mv),
            ...op.f64x2Mul,
            ...op.get(vv),
            ...op.get(correction),
            ...op.f64x2Mul,
            ...ops.f64x2Sqrt,
            ...op.get(eps),
            ...op.f64x2Add,
            ...ops.f64x2Div,
            ...ops.f64x2Sub,
          ]),
          ...bump(w, 8),
          ...bump(g, 8),
          ...bump(m, 8),
          ...bump(v, 8),
        ]),
      ]),
    ]),
  ];
  return {
    name: "lazyAdam",
    locals: [
      [12, i32],
      [12, v128],
    ],
    code,
  };
}

/** The slice of the WebAssembly JS API used here (lib "dom" is not in this project's TypeScript libs). */
interface TableWasm {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: {
    initial: number;
  }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: TableWasm }).WebAssembly;

/** A kernel taking five i32 arguments (addresses and counts; see each kernel's comment). */
export type TableKernel = (a: number, b: number, c: number, d: number, e: number) => void;

/** The embedding-table kernels bound to one memory. */
export interface TableKernels {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  bagGather: TableKernel;
  bagScatter: TableKernel;
  lazyAdam: TableKernel;
  /** conv-backward-kernel.ts's axpyPair; only when `dim` is a multiple of 4. */
  axpyPair: TableKernel | undefined;
}

/** Instantiates the kernels over a fresh memory of `bytes`; `dim` (even) picks 4- or 2-lane gathers. */
export function createTableKernels(bytes: number, dim: number): TableKernels {
  const quads = dim % 4 === 0;
  const module = new wasm.Module(
    assembleModule([bagGather(quads), bagScatter(), lazyAdam(), axpyPair(header.rowBytes)]),
  );
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const exports = new wasm.Instance(module, { env: { memory } }).exports as Record<string, TableKernel>;
  return {
    memory,
    bagGather: exports[quads ? "bagGather4" : "bagGather2"] as TableKernel,
    bagScatter: exports.bagScatter as TableKernel,
    lazyAdam: exports.lazyAdam as TableKernel,
    axpyPair: quads ? (exports.axpyPair as TableKernel) : undefined,
  };
}
