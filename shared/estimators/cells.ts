/**
 * Discrete cells of a block: rows equal under exact float64 equality (per coordinate `===`,
 * so −0 and +0 are one value) form one cell. Cells are numbered in lexicographic row order,
 * which is canonical: the numbering does not depend on the order of the rows, so sums over
 * cells are bit-identical for any permutation of the data.
 */
import type { Matrix } from '../data/matrix.js';

export interface Cells {
  /** Cell id of each row, 0 … m−1. */
  readonly ids: Int32Array;
  /** Rows per cell, indexed by id. */
  readonly counts: Int32Array;
  /** Number of non-empty cells. */
  readonly m: number;
}

function compareRows(data: Float64Array, d: number, a: number, b: number): number {
  const oa = a * d, ob = b * d;
  for (let j = 0; j < d; j++) {
    const u = data[oa + j]!, v = data[ob + j]!;
    if (u < v) return -1;
    if (u > v) return 1;
  }
  return 0;
}

/** Group rows into cells of identical rows. O(N log N). */
export function rowCells(m: Matrix): Cells {
  const { n, d, data } = m;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (d === 1) order.sort((a, b) => data[a]! - data[b]!);
  else order.sort((a, b) => compareRows(data, d, a, b));
  const ids = new Int32Array(n);
  const counts: number[] = [];
  let id = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    if (t === 0 || compareRows(data, d, order[t - 1]!, i) !== 0) {
      id++;
      counts.push(0);
    }
    ids[i] = id;
    counts[id]!++;
  }
  return { ids, counts: Int32Array.from(counts), m: counts.length };
}

/** Number of rows equal to some other, earlier row (N − number of distinct rows). */
export function duplicateRows(m: Matrix): number {
  return m.n - rowCells(m).m;
}
