/** Neighbour structures for the kNN estimators (max-norm throughout). */
import type { Matrix } from '../data/matrix.js';
import { GRID_MAX_DIM, GRID_OCCUPANCY, GridIndex } from './grid.js';
import { KdTree } from './kdtree.js';
import type { ColumnOrder } from './order.js';
import type { Scratch } from './scratch.js';
import { SortedMarginal } from './sorted.js';
import type { NeighbourIndex, RangeCounter } from './types.js';

export { KdTree, DEFAULT_LEAF_SIZE } from './kdtree.js';
export { SortedMarginal } from './sorted.js';
export { GridIndex, GRID_MAX_DIM, GRID_OCCUPANCY } from './grid.js';
export { columnOrder, subsetOrder, type ColumnOrder } from './order.js';
export { BruteForce } from './brute.js';
export { Scratch } from './scratch.js';
export { maxNorm } from './types.js';
export type { RangeCounter, NeighbourIndex } from './types.js';

/**
 * The fastest exact range counter for a marginal: sorted array in 1-D, kd-tree otherwise.
 * @param order the column's sort order when already known (1-D only; equal to `columnOrder`).
 */
export function rangeCounter(m: Matrix, order?: ColumnOrder): RangeCounter {
  return m.d === 1 ? new SortedMarginal(m, order) : new KdTree(m);
}

/** Grid crowding (GridIndex.crowding) above which the kd-tree serves instead. */
export const GRID_MAX_CROWDING = 4 * GRID_OCCUPANCY;

/** Below this many rows the kd-tree is used at any d (the grid's fixed costs do not pay). */
export const GRID_MIN_N = 256;

/**
 * The fastest exact kNN index for a point set, chosen by measurement (bench/micro/knn.ts):
 * the rank grid for d ≤ 3 unless the rows crowd a few cells (strongly dependent columns),
 * the kd-tree otherwise. Every choice gives the same answers bit for bit.
 * @param orders sort orders of the columns of `m` when already known (entries may be missing).
 * @param scratch arrays for a grid to reuse (see {@link GridIndex}); the index is then valid
 *   only until the next build from the same scratch.
 */
export function neighbourIndex(m: Matrix, orders?: readonly (ColumnOrder | undefined)[], scratch?: Scratch): NeighbourIndex {
  if (m.d <= GRID_MAX_DIM && m.n >= GRID_MIN_N) {
    const grid = new GridIndex(m, orders, GRID_OCCUPANCY, scratch);
    if (grid.crowding() <= GRID_MAX_CROWDING) return grid;
  }
  return new KdTree(m);
}

/**
 * Column orders of the joint block hstack(blocks), as far as the blocks' counters already
 * know them (a sorted 1-D marginal); `rows[b]`, when given, maps joint row i to row rows[b][i]
 * of block b's counter (a permuted block). `scratch`, when given, holds the permuted ranks
 * (valid until its next use).
 */
export function jointOrders(
  blocks: readonly Matrix[],
  counters: readonly RangeCounter[],
  rows?: readonly (ArrayLike<number> | null)[],
  scratch?: Scratch,
): (ColumnOrder | undefined)[] {
  const out: (ColumnOrder | undefined)[] = [];
  blocks.forEach((b, t) => {
    const c = counters[t];
    if (b.d === 1 && c instanceof SortedMarginal) {
      const map = rows?.[t];
      if (!map) out.push(c.order);
      else {
        const rank = scratch ? scratch.i32(`joint.rank${t}`, b.n) : new Int32Array(b.n);
        for (let i = 0; i < b.n; i++) rank[i] = c.rank[map[i]!]!;
        out.push({ sorted: c.values, rank });
      }
    } else for (let j = 0; j < b.d; j++) out.push(undefined);
  });
  return out;
}
