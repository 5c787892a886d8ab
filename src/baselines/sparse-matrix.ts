/** Rows of sparse features in compressed sparse row (CSR) form. */
export interface SparseMatrix {
  rows: number;
  cols: number;
  /** rowStart[i]..rowStart[i+1] index row i's entries in `indices` and `values`. */
  rowStart: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** One sparse row: column indices (ascending) and their values. */
export interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
}

/** Stacks sparse rows into a CSR matrix with `cols` columns. */
export function stackRows(rows: readonly SparseRow[], cols: number): SparseMatrix {
  const rowStart = new Int32Array(rows.length + 1);
  rows.forEach((row, i) => {
    rowStart[i + 1] = (rowStart[i] as number) + row.indices.length;
  });
  const nnz = rowStart[rows.length] as number;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  rows.forEach((row, i) => {
    indices.set(row.indices, rowStart[i] as number);
    values.set(row.values, rowStart[i] as number);
  });
  return { rows: rows.length, cols, rowStart, indices, values };
}
