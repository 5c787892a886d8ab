// The inner loop of the max-pooled convolution's backward (max-pooled-conv.ts) as a WebAssembly SIMD kernel in
// the embedding table's module, so it reads the winning windows' vectors where they lie in the table.
import { bump, countDown, type KernelSource, op, valueType } from "../rag/wasm-assembler.js";

const { i32, v128 } = valueType;
// Encodings beyond the assembler's set (WebAssembly core and SIMD specs).
const f32ReinterpretI32 = [0xbe];
const f32x4Splat = [0xfd, 0x13];

/**
 * axpyPair(vector, grad, kernel, out, gBits): for one row of `dim` floats (its byte count is the i32 at
 * `rowBytesAddress`, a multiple of 16), `grad += g · vector` and `out += g · kernel`, in f32x4 lanes: each product and each sum rounded to
 * float32, as `Math.fround` does in the TypeScript loop. Arguments are byte addresses; `gBits` is g's float32
 * bit pattern.
 */
export function axpyPair(rowBytesAddress: number): KernelSource {
  const [vector, grad, kernel, out, gBits, n, g] = [0, 1, 2, 3, 4, 5, 6] as const;
  const update = (target: number, source: number) => [
    ...op.get(target),
    ...op.get(target),
    ...op.v128Load(),
    ...op.get(source),
    ...op.v128Load(),
    ...op.get(g),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.v128Store(),
  ];
  const code = [
    ...op.i32Const(0),
    ...op.i32Load(rowBytesAddress),
    ...op.i32Const(4),
    ...op.i32ShrU,
    ...op.set(n),
    ...op.get(gBits),
    ...f32ReinterpretI32,
    ...f32x4Splat,
    ...op.set(g),
    ...op.loop,
    ...update(grad, vector),
    ...update(out, kernel),
    ...bump(vector, 16),
    ...bump(grad, 16),
    ...bump(kernel, 16),
    ...bump(out, 16),
    ...countDown(n),
    ...op.end,
  ];
  return {
    name: "axpyPair",
    locals: [
      [1, i32],
      [1, v128],
    ],
    code,
  };
}
