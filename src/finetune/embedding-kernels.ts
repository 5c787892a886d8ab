// The embedding table's hot loops (mean-bag gather, its scatter-add backward and the lazy Adam step) as
// WebAssembly SIMD kernels, assembled with src/rag/wasm-assembler.ts. Each kernel does, element by
// element, exactly the arithmetic of the TypeScript loops it replaces, all in float32 lanes (as
// PyTorch's SparseAdam and TensorFlow's Adam do): every add, multiply, divide and square root rounded to
// float32. So results are bit-identical to the plain loops (which round each step with Math.fround).
import { assembleModule, bump, countDown, type KernelSource, op, valueType } from "../rag/wasm-assembler.js";
import { axpyPair } from "./conv-backward-kernel.js";

const { i32, v128 } = valueType;
const simd = (code: number, ...rest: number[]) => [0xfd, code, ...rest];

// Encodings beyond the assembler's set (WebAssembly core and SIMD specs).
const ops = {
  f32ConvertI32S: [0xb2],
  f64Load: (offset: number) => [0x2b, 3, offset],
  f32DemoteF64: [0xb6],
  f32x4Splat: simd(0x13),
  store64Lane: simd(0x5b, 3, 0, 0),
  f32x4Sqrt: simd(0xe3, 0x01),
  f32x4Sub: simd(0xe5, 0x01),
  f32x4Div: simd(0xe7, 0x01),
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
  slots: 16,
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
/** Pushes the address of the i32 at index `index` (a local) of the array at `base` (a local). */
const wordAt = (base: number, index: number) => [
  ...op.get(base),
  ...op.get(index),
  ...op.i32Const(2),
  ...op.i32Shl,
  ...op.i32Add,
];
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
 * How a kernel walks a row: 4 float32 lanes per step when the width is a multiple of 4, else 2. Either
 * way it loads a whole v128 (the memory layout leaves 16 bytes after every array) and, with 2 lanes,
 * stores only the low 8 bytes, so the other two lanes' results are never written.
 */
interface Lanes {
  /** Bytes per step. */
  step: number;
  /** Pushes the step count per row (from the header's pairs). */
  stepsPerRow: number[];
  /** Pushes the v128 at the address in `local`. */
  load: (local: number) => number[];
  /** Stores the v128 on the stack at the address below it. */
  store: number[];
}
const lanes = (quads: boolean): Lanes => ({
  step: quads ? 16 : 8,
  stepsPerRow: [...field(header.pairs), ...(quads ? [...op.i32Const(1), 0x76] : [])], // i32.shr_u: pairs / 2
  load: (local) => [...op.get(local), ...op.v128Load()],
  store: quads ? op.v128Store() : ops.store64Lane,
});
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
  const { step, stepsPerRow, load, store } = lanes(quads);
  const overRow = (body: number[]) => [
    ...move(out, outPointer),
    ...move(units, j),
    ...repeat(j, [...body, ...bump(outPointer, step)]),
  ];
  const code = [
    ...fieldInto(header.weights, base),
    ...fieldInto(header.rowBytes, rowBytes),
    ...stepsPerRow,
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
 * scaled = pooledGrad row ÷ count, then for each token: gives its row the next gradient slot if it has
 * none (the header's slots, touched list and count) and adds scaled to that slot's gradient row; float32
 * lanes throughout. The gradient rows are packed by slot, so a batch uses only as many as it touches.
 */
function bagScatter(quads: boolean): KernelSource {
  const [counts, ids, pooled, texts, n, j, gradPointer, scaledPointer, pooledPointer] = [
    0, 1, 2, 3, 5, 6, 7, 8, 9,
  ] as const;
  const [gradBase, rowBytes, id, touchedCount, slotsBase, touchedBase, t, scaledBase, units] = [
    10, 11, 12, 13, 14, 15, 16, 17, 18,
  ] as const;
  const [slotAddress, slot, divisor] = [19, 20, 21] as const;
  const { step, stepsPerRow, load, store } = lanes(quads);
  const code = [
    ...fieldInto(header.grad, gradBase),
    ...fieldInto(header.rowBytes, rowBytes),
    ...fieldInto(header.touchedCount, touchedCount),
    ...fieldInto(header.slots, slotsBase),
    ...fieldInto(header.touched, touchedBase),
    ...fieldInto(header.scaled, scaledBase),
    ...stepsPerRow,
    ...op.set(units),
    ...unlessZero(texts, [
      ...op.loop,
      ...next(counts, n),
      ...unlessZero(n, [
        ...op.get(n),
        ...ops.f32ConvertI32S,
        ...ops.f32x4Splat,
        ...op.set(divisor),
        ...move(scaledBase, scaledPointer),
        ...move(pooled, pooledPointer),
        ...move(units, j),
        ...repeat(j, [
          ...op.get(scaledPointer),
          ...load(pooledPointer),
          ...op.get(divisor),
          ...ops.f32x4Div,
          ...op.v128Store(),
          ...bump(scaledPointer, step),
          ...bump(pooledPointer, step),
        ]),
        ...move(n, t),
        ...repeat(t, [
          ...next(ids, id),
          ...wordAt(slotsBase, id),
          ...op.set(slotAddress),
          ...op.get(slotAddress),
          ...op.i32Load(),
          ...op.set(slot),
          ...op.get(slot),
          ...op.i32Eqz,
          ...op.if,
          ...wordAt(touchedBase, touchedCount),
          ...op.get(id),
          ...op.i32Store(),
          ...bump(touchedCount, 1),
          ...move(touchedCount, slot),
          ...op.get(slotAddress),
          ...op.get(slot),
          ...op.i32Store(),
          ...op.end,
          // The slot's gradient row: slots count from 1.
          ...op.get(gradBase),
          ...op.get(slot),
          ...op.get(rowBytes),
          ...op.i32Mul,
          ...op.i32Add,
          ...op.get(rowBytes),
          ...op.i32Sub,
          ...op.set(gradPointer),
          ...move(scaledBase, scaledPointer),
          ...move(units, j),
          ...repeat(j, [
            ...op.get(gradPointer),
            ...load(gradPointer),
            ...load(scaledPointer),
            ...op.f32x4Add,
            ...store,
            ...bump(gradPointer, step),
            ...bump(scaledPointer, step),
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
      [16, i32],
      [1, v128],
    ],
    code,
  };
}

/**
 * lazyAdam(_, _, _, _, _): one Adam step (the header's constants, rounded to float32) on each touched
 * row, in slot order, clearing its gradient row and slot: g = grad + wd·w; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g·g;
 * w = w - (stepSize·m) / (√(v·secondCorrection) + ε), each operation in float32 lanes.
 */
function lazyAdam(quads: boolean): KernelSource {
  const [k, touchedPointer, id, j, w, g, m, v, slotsBase, rowBytes, offset] = [
    0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11,
  ] as const;
  const [weights, first, second, units] = [12, 14, 15, 16] as const;
  const [decay, b1, c1, b2, c2, stepSize, correction, eps, wv, gv, mv, vv] = [
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
  ] as const;
  const { step, stepsPerRow, load, store } = lanes(quads);
  const constant = (address: number, local: number) => [
    ...op.i32Const(0),
    ...ops.f64Load(address),
    ...ops.f32DemoteF64,
    ...ops.f32x4Splat,
    ...op.set(local),
  ];
  const at = (base: number, local: number) => [...sum(base, offset), ...op.set(local)];
  const storeAt = (local: number, value: number[]) => [...op.get(local), ...value, ...store];
  const code = [
    ...fieldInto(header.touchedCount, k),
    ...fieldInto(header.touched, touchedPointer),
    ...fieldInto(header.slots, slotsBase),
    ...fieldInto(header.rowBytes, rowBytes),
    ...fieldInto(header.weights, weights),
    ...fieldInto(header.grad, g),
    ...fieldInto(header.first, first),
    ...fieldInto(header.second, second),
    ...stepsPerRow,
    ...op.set(units),
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
        ...wordAt(slotsBase, id),
        ...op.i32Const(0),
        ...op.i32Store(),
        ...op.get(id),
        ...op.get(rowBytes),
        ...op.i32Mul,
        ...op.set(offset),
        ...at(weights, w),
        ...at(first, m),
        ...at(second, v),
        ...move(units, j),
        ...repeat(j, [
          ...load(w),
          ...op.set(wv),
          ...load(g),
          ...op.get(decay),
          ...op.get(wv),
          ...op.f32x4Mul,
          ...op.f32x4Add,
          ...op.set(gv),
          ...storeAt(g, op.v128Zero),
          ...op.get(b1),
          ...load(m),
          ...op.f32x4Mul,
          ...op.get(c1),
          ...op.get(gv),
          ...op.f32x4Mul,
          ...op.f32x4Add,
          ...op.set(mv),
          ...op.get(b2),
          ...load(v),
          ...op.f32x4Mul,
          ...op.get(c2),
          ...op.get(gv),
          ...op.f32x4Mul,
          ...op.get(gv),
          ...op.f32x4Mul,
          ...op.f32x4Add,
          ...op.set(vv),
          ...storeAt(m, op.get(mv)),
          ...storeAt(v, op.get(vv)),
          ...storeAt(w, [
            ...op.get(wv),
            ...op.get(stepSize),
            ...op.get(mv),
            ...op.f32x4Mul,
            ...op.get(vv),
            ...op.get(correction),
            ...op.f32x4Mul,
            ...ops.f32x4Sqrt,
            ...op.get(eps),
            ...op.f32x4Add,
            ...ops.f32x4Div,
            ...ops.f32x4Sub,
          ]),
          ...bump(w, step),
          ...bump(g, step),
          ...bump(m, step),
          ...bump(v, step),
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
    assembleModule([bagGather(quads), bagScatter(quads), lazyAdam(quads), axpyPair(header.rowBytes)]),
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
