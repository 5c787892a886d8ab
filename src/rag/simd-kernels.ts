// Dot-product kernels for dense search, written as a tiny WebAssembly module with 128-bit SIMD
// (f32x4), assembled here byte by byte so no toolchain or binary file is needed. V8 compiles
// f32x4.mul/add to SSE/AVX instructions: 4 multiply-adds per instruction instead of 1 in plain JS.

const i32 = 0x7f;
const v128 = 0x7b;

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (small constants only). */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const name = (text: string) => [...uleb(text.length), ...Buffer.from(text, "utf8")];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Shl: [0x74],
  i32Eqz: [0x45],
  f32Add: [0x92],
  f32Store: [0x38, 2, 0],
  v128Load: [0xfd, ...uleb(0), 0, 0],
  v128Zero: [0xfd, ...uleb(12), ...new Array<number>(16).fill(0)],
  f32x4Lane: (lane: number) => [0xfd, ...uleb(31), lane],
  f32x4Add: [0xfd, ...uleb(228)],
  f32x4Mul: [0xfd, ...uleb(230)],
};

/** Pushes the sum of the four lanes of a v128 local as an f32. */
const laneSum = (local: number) => [
  ...op.get(local),
  ...op.f32x4Lane(0),
  ...op.get(local),
  ...op.f32x4Lane(1),
  ...op.f32Add,
  ...op.get(local),
  ...op.f32x4Lane(2),
  ...op.f32Add,
  ...op.get(local),
  ...op.f32x4Lane(3),
  ...op.f32Add,
];

const bump = (local: number, bytes: number) => [
  ...op.get(local),
  ...op.i32Const(bytes),
  ...op.i32Add,
  ...op.set(local),
];

/**
 * dotsN(q, m, rows, quads, out): for each of `rows` matrix rows at byte address m (each `quads` × 4
 * floats long) and each of N queries stored back to back at q (same length), writes ⟨query i, row r⟩
 * to out[i·rows + r] (f32). Each row is loaded once and multiplied with all N queries (register
 * blocking), so batched search reuses every loaded document N times.
 */
function dotsBody(queries: number): number[] {
  // params: 0 q, 1 m, 2 rows, 3 quads, 4 out; locals: 5 j, 6 qp, 7 qstride, 8 ostride, 9 x, 10.. acc
  const [q, m, rows, quads, out, j, qp, qstride, ostride, x] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
  const acc = (i: number) => 10 + i;
  const locals = vec([
    [4, i32],
    [1 + queries, v128],
  ]);
  const code: number[] = [
    ...op.block,
    ...op.get(rows),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.get(quads),
    ...op.i32Const(4),
    ...op.i32Shl,
    ...op.set(qstride),
    ...op.get(rows),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.set(ostride),
    ...op.loop,
  ];
  for (let i = 0; i < queries; i++) code.push(...op.v128Zero, ...op.set(acc(i)));
  code.push(...op.get(quads), ...op.set(j), ...op.get(q), ...op.set(qp), ...op.loop);
  code.push(...op.get(m), ...op.v128Load, ...op.set(x));
  for (let i = 0; i < queries; i++) {
    code.push(...op.get(acc(i)), ...op.get(x), ...op.get(qp));
    for (let s = 0; s < i; s++) code.push(...op.get(qstride), ...op.i32Add);
    code.push(...op.v128Load, ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(i)));
  }
  code.push(...bump(m, 16), ...bump(qp, 16));
  code.push(...op.get(j), ...op.i32Const(1), ...op.i32Sub, ...op.tee(j), ...op.brIf(0), ...op.end);
  for (let i = 0; i < queries; i++) {
    code.push(...op.get(out));
    for (let s = 0; s < i; s++) code.push(...op.get(ostride), ...op.i32Add);
    code.push(...laneSum(acc(i)), ...op.f32Store);
  }
  code.push(...bump(out, 4));
  code.push(
    ...op.get(rows),
    ...op.i32Const(1),
    ...op.i32Sub,
    ...op.tee(rows),
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  );
  const body = [...locals, ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/** Query counts with a kernel: dots1 for one query at a time, dots8 for batches (8 measured fastest). */
export const kernelWidths = [1, 8] as const;

function moduleBytes(): Uint8Array {
  const type = [0x60, ...vec([[i32], [i32], [i32], [i32], [i32]]), 0];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(kernelWidths.map(() => [0]))),
    ...section(7, vec(kernelWidths.map((width, index) => [...name(`dots${width}`), 0x00, ...uleb(index)]))),
    ...section(10, vec(kernelWidths.map((width) => dotsBody(width)))),
  ];
  return Uint8Array.from(bytes);
}

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

/** A dot-product kernel: (queries address, rows address, rows, quads per row, output address). */
export type DotsKernel = (q: number, m: number, rows: number, quads: number, out: number) => void;

/** The SIMD kernels bound to one WebAssembly memory. */
export interface SimdKernels {
  memory: WasmMemory;
  dots1: DotsKernel;
  dots8: DotsKernel;
}

let compiled: object | undefined;

/** Instantiates the kernels over a fresh memory of `bytes` (rounded up to 64 KiB pages). */
export function createSimdKernels(bytes: number): SimdKernels {
  compiled ??= new wasm.Module(moduleBytes());
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new wasm.Instance(compiled, { env: { memory } });
  const exports = instance.exports as Record<string, DotsKernel>;
  return { memory, dots1: exports.dots1 as DotsKernel, dots8: exports.dots8 as DotsKernel };
}
