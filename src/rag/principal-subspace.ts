import { createRng } from "../util/random.js";

/** Iterations of block power iteration: enough for the leading directions of embedding sets to settle. */
const iterations = 24;

/**
 * An orthonormal basis (`width` rows of `dim` float64s, row-major) of a subspace close to the leading
 * principal subspace of `rows` (uncentred: the directions holding most of ‖x‖² on average), by block
 * power iteration with a seeded start and Gram–Schmidt applied twice per step. Only orthonormality
 * matters for correctness where the basis is used (a poor subspace only prunes less); the shift by
 * a small multiple of the identity keeps the block full-rank when the rows span fewer dimensions.
 */
export function principalSubspace(rows: readonly Float32Array[], dim: number, width: number): Float64Array {
  const moment = new Float64Array(dim * dim);
  for (const row of rows)
    for (let a = 0; a < dim; a++) {
      const x = row[a] as number;
      if (x === 0) continue;
      for (let b = 0; b < dim; b++)
        moment[a * dim + b] = (moment[a * dim + b] as number) + x * (row[b] as number);
    }
  let trace = 0;
  for (let a = 0; a < dim; a++) trace += moment[a * dim + a] as number;
  const shift = (trace / dim) * 1e-3 + 1e-12;
  const rng = createRng(7);
  let basis = Float64Array.from({ length: width * dim }, () => rng.normal());
  orthonormalise(basis, dim, width);
  for (let step = 0; step < iterations; step++) {
    const next = new Float64Array(width * dim);
    for (let v = 0; v < width; v++)
      for (let a = 0; a < dim; a++) {
        let sum = shift * (basis[v * dim + a] as number);
        for (let b = 0; b < dim; b++) sum += (moment[a * dim + b] as number) * (basis[v * dim + b] as number);
        next[v * dim + a] = sum;
      }
    orthonormalise(next, dim, width);
    basis = next;
  }
  return basis;
}

/** Modified Gram–Schmidt, twice ("twice is enough" for orthogonality to working precision). */
function orthonormalise(basis: Float64Array, dim: number, width: number): void {
  for (let pass = 0; pass < 2; pass++)
    for (let v = 0; v < width; v++) {
      for (let u = 0; u < v; u++) {
        let dot = 0;
        for (let a = 0; a < dim; a++) dot += (basis[v * dim + a] as number) * (basis[u * dim + a] as number);
        for (let a = 0; a < dim; a++)
          basis[v * dim + a] = (basis[v * dim + a] as number) - dot * (basis[u * dim + a] as number);
      }
      let norm = 0;
      for (let a = 0; a < dim; a++) norm += (basis[v * dim + a] as number) ** 2;
      norm = Math.sqrt(norm);
      for (let a = 0; a < dim; a++) basis[v * dim + a] = (basis[v * dim + a] as number) / norm;
    }
}
