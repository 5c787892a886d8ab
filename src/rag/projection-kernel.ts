// The kernel that projects a float32 row on the rows of a float64 basis: the principal coordinates
// of QuantisedScreen's codes, for every document it encodes and every query it screens.
import { bump, countDown, type KernelSource, op, valueType } from "./wasm-assembler.js";

const { i32, v128 } = valueType;

/**
 * project(basis, row, heads, quads, out): for h < heads, the float64 ⟨basis row h, row⟩ at out + 8h.
 * The row is `quads` float32 quads (zero-padded), basis row h 4·quads float64s (zero-padded) from
 * basis + 32·quads·h. Each float32 pair is promoted exactly and multiplied in float64, summed in two
 * f64x2 accumulators (a quad's first pair and its second), so each result is within a few float64 ulps
 * of the exact dot product (QuantisedScreen's projection slack covers far more).
 */
export function projectionKernel(): KernelSource {
  const [basis, row, heads, quads, out, j, at, first, second] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
  const sum = 9;
  // accumulator += promote(row pair `offset` of the quad) × basis pair `offset`
  const multiplyAdd = (accumulator: number, offset: number) => [
    ...[...op.get(accumulator), ...op.get(at), ...op.v128Load64Zero(8 * offset)],
    ...[...op.f64x2PromoteLowF32x4, ...op.get(basis), ...op.v128Load(16 * offset), ...op.f64x2Mul],
    ...[...op.f64x2Add, ...op.set(accumulator)],
  ];
  const laneSum = [...op.get(sum), ...op.f64x2Lane(0), ...op.get(sum), ...op.f64x2Lane(1), ...op.f64Add];
  return {
    name: "project",
    locals: [
      [2, i32],
      [3, v128],
    ],
    code: [
      ...[...op.block, ...op.get(heads), ...op.i32Eqz, ...op.brIf(0), ...op.loop],
      ...[...op.v128Zero, ...op.set(first), ...op.v128Zero, ...op.set(second)],
      ...[...op.get(row), ...op.set(at), ...op.get(quads), ...op.set(j), ...op.loop],
      ...[...multiplyAdd(first, 0), ...multiplyAdd(second, 1)],
      ...[...bump(at, 16), ...bump(basis, 32), ...countDown(j), ...op.end],
      ...[...op.get(first), ...op.get(second), ...op.f64x2Add, ...op.set(sum), ...op.get(out)],
      ...[...laneSum, ...op.f64Store()],
      ...[...bump(out, 8), ...countDown(heads), ...op.end, ...op.end],
    ],
  };
}
