// A minimal WebAssembly binary assembler: just the encodings the dense-search kernels need (i32
// arithmetic, structured loops, 128-bit SIMD loads, stores and arithmetic). Kernels are written as
// arrays of opcodes here, so no toolchain or binary file ships with expbook.

export const valueType = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
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

/** Signed LEB128 (32-bit constants). */
export function sleb(value: number): number[] {
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

const simd = (code: number) => [0xfd, ...uleb(code)];
/** A memory argument: log2 alignment and a constant byte offset added to the address operand. */
const memarg = (alignLog2: number, offset: number) => [alignLog2, ...uleb(offset)];

export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32GtS: [0x4a],
  i32GeU: [0x4f],
  i32Ctz: [0x68],
  i32LtU: [0x49],
  f32Add: [0x92],
  f32Min: [0x96],
  f32Eq: [0x5b],
  f32Gt: [0x5e],
  f32Ge: [0x60],
  f32Load: (offset = 0) => [0x2a, ...memarg(2, offset)],
  f64Load: (offset = 0) => [0x2b, ...memarg(3, offset)],
  f64PromoteF32: [0xbb],
  f64Const: (value: number) => [0x44, ...new Uint8Array(Float64Array.of(value).buffer)],
  f64Mul: [0xa2],
  f64Sub: [0xa1],
  f64Floor: [0x9c],
  /** i32.trunc_sat_f64_s: toward zero, clamped to the int32 range (NaN → 0). */
  i32TruncSatF64S: [0xfc, 0x02],
  f32Store: (offset = 0) => [0x38, ...memarg(2, offset)],
  v128Load: (offset = 0) => [...simd(0x00), ...memarg(0, offset)],
  v128Load32Splat: (offset = 0) => [...simd(0x09), ...memarg(2, offset)],
  v128Store: (offset = 0) => [...simd(0x0b), ...memarg(0, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f32x4Lane: (lane: number) => [...simd(0x1f), lane],
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  i32Store: (offset = 0) => [0x36, ...memarg(2, offset)],
  i32x4Bitmask: simd(0xa4),
  v128Or: simd(0x50),
  i32x4Splat: simd(0x11),
  v128AnyTrue: simd(0x53),
  i32x4GtS: simd(0x3b),
  i32x4MaxS: simd(0xb8),
  i32x4Add: simd(0xae),
  i32x4DotI16x8: simd(0xba),
  v128Load64Zero: (offset = 0) => [...simd(0x5d), ...memarg(3, offset)],
  f64x2PromoteLowF32x4: simd(0x5f),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  f64x2Lane: (lane: number) => [...simd(0x21), lane],
  f64Add: [0xa0],
  f64Store: (offset = 0) => [0x39, ...memarg(3, offset)],
};

/** Adds `bytes` to an i32 local. */
export const bump = (local: number, bytes: number) => [
  ...op.get(local),
  ...op.i32Const(bytes),
  ...op.i32Add,
  ...op.set(local),
];

/** Decrements an i32 local and branches back to the enclosing loop while it is not zero. */
export const countDown = (local: number) => [
  ...op.get(local),
  ...op.i32Const(1),
  ...op.i32Sub,
  ...op.tee(local),
  ...op.brIf(0),
];

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (text: string) => [...uleb(text.length), ...Buffer.from(text, "utf8")];

/** One exported function of type (i32 × 5) → (): its extra locals as [count, type] runs and its code. */
export interface KernelSource {
  name: string;
  locals: [count: number, type: number][];
  code: number[];
}

/** A module importing env.memory and exporting each kernel, all of type (i32, i32, i32, i32, i32) → (). */
export function assembleModule(kernels: readonly KernelSource[]): Uint8Array {
  const { i32 } = valueType;
  const type = [0x60, ...vec([[i32], [i32], [i32], [i32], [i32]]), 0];
  const body = (kernel: KernelSource) => {
    const bytes = [...vec(kernel.locals.map(([count, t]) => [...uleb(count), t])), ...kernel.code, ...op.end];
    return [...uleb(bytes.length), ...bytes];
  };
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(kernels.map(() => [0]))),
    ...section(7, vec(kernels.map((kernel, index) => [...name(kernel.name), 0x00, ...uleb(index)]))),
    ...section(10, vec(kernels.map(body))),
  ]);
}
