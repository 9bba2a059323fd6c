/**
 * Discrete cells of a block: rows equal under exact float64 equality (per coordinate `===`,
 * so −0 and +0 are one value) form one cell. Cells are numbered in lexicographic row order,
 * which is canonical: the numbering does not depend on the order of the rows, so sums over
 * cells are bit-identical for any permutation of the data.
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { distinctStrided } from '../data/wasm/columns.js';
import { columnOrder } from '../knn/order.js';

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

/**
 * Group rows into cells of identical rows. The rows are ordered by their first column with
 * the O(N) radix order of knn/order.ts (−0 sorts next to +0, so equal values are adjacent),
 * and only runs of equal first values are sorted further by whole rows: O(N) on continuous
 * data, O(N log N) at worst. The order, and so the numbering, is lexicographic as before.
 */
export function rowCells(m: Matrix): Cells {
  const { n, d, data } = m;
  const order = new Int32Array(n);
  if (n === 0) return { ids: new Int32Array(0), counts: new Int32Array(0), m: 0 };
  const { sorted, rank } = columnOrder(data, d, 0);
  for (let i = 0; i < n; i++) order[rank[i]!] = i;
  if (d > 1) {
    for (let s = 0; s < n; ) {
      let e = s + 1;
      while (e < n && sorted[e] === sorted[s]) e++;
      if (e - s > 1) order.subarray(s, e).sort((a, b) => compareRows(data, d, a, b));
      s = e;
    }
  }
  const ids = new Int32Array(n);
  const counts = new Int32Array(n);
  let id = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    if (t === 0 || compareRows(data, d, order[t - 1]!, i) !== 0) id++;
    ids[i] = id;
    counts[id]!++;
  }
  return { ids, counts: counts.slice(0, id + 1), m: id + 1 };
}

/**
 * Number of rows equal to some other, earlier row (N − number of distinct rows) of the blocks
 * side by side (one block, or the joint space of several). The blocks are joined only when the
 * first column has repeats, which continuous data does not.
 */
export function duplicateRows(...blocks: Matrix[]): number {
  if (firstColumnDistinct(blocks[0]!)) return 0;
  const m = blocks.length === 1 ? blocks[0]! : hstack(...blocks);
  return m.n - rowCells(m).m;
}

/**
 * Whether the first column has no two equal values (then no two rows are equal). The common
 * case for continuous data, answered in one O(N) pass with an open-addressing table of row
 * numbers keyed by the value's bits (issue 12: a sort of the column, or the radix order of
 * rowCells, cost a single estimate several ms of cold code at start-up). The sign bit is left
 * out of the key (of both words: either byte order), so −0 and +0 meet in one probe sequence,
 * and slots are compared with ===, as in rowCells.
 */
function firstColumnDistinct(m: Matrix): boolean {
  const { n, d, data } = m;
  if (n < 2) return true;
  let bits = 1;
  while (1 << bits < n + (n >> 1)) bits++;
  const k = distinctStrided(data, n, d, bits); // long columns: the WebAssembly kernel, the same table
  if (k !== undefined) return k;
  const shift = 32 - bits, mask = (1 << bits) - 1;
  const slot = new Int32Array(1 << bits); // row + 1, or 0 when free
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * n * d);
  for (let i = 0; i < n; i++) {
    const w = 2 * i * d;
    const v = data[i * d]!;
    let h = Math.imul(Math.imul(words[w]! & 0x7fffffff, 0x85ebca6b) ^ (words[w + 1]! & 0x7fffffff), 0x9e3779b1) >>> shift;
    for (let r = slot[h]!; r !== 0; r = slot[h]!) {
      if (data[(r - 1) * d] === v) return false;
      h = (h + 1) & mask;
    }
    slot[h] = i + 1;
  }
  return true;
}
