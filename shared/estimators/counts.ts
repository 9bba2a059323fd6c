/**
 * Batched neighbourhood counts for the KSG-type estimators, made in cache-friendly orders.
 *
 * The estimators need, for every row i, a radius from the joint space and then counts in the
 * marginal spaces. Doing these per row in row order jumps through memory at random; here each
 * phase runs over all rows in the order its structure stores them (grid cells / tree leaves,
 * sorted values), writing results into arrays indexed by row. The caller then sums in row
 * order, so every estimate is bit-identical to the per-row loop: each count is the same exact
 * integer and the floating-point sum sees the same terms in the same order.
 */
import type { Matrix } from '../data/matrix.js';
import { GridIndex, Scratch, SortedMarginal, type NeighbourIndex, type RangeCounter } from '../knn/index.js';

/** Per-call work arrays (locals only: never escape a call, so one set per thread). */
const local = new Scratch();

/** From this many rows on, a grid's {@link GridIndex.kthAll} batch is used. */
const KTH_BATCH_MIN_N = 40_000;

/**
 * kth[i] = distance from stored row i to its k-th nearest neighbour in `joint`, queried in
 * the index's storage order when it has one.
 */
export function kthDistancesAll(joint: NeighbourIndex, k: number, out = new Float64Array(joint.n)): Float64Array {
  const n = joint.n;
  // the grid's storage-order batch measured 12% faster on the kNN phase at N = 1e5 (row-order
  // reads of the query miss cache there) and no faster at N = 1e4 (everything is in L2)
  if (joint.kthAll && n >= KTH_BATCH_MIN_N) {
    joint.kthAll(k, out);
    return out;
  }
  const dist = new Float64Array(k);
  const order = joint.queryOrder?.();
  if (order && order.length === n) {
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      joint.knn(i, k, dist, null, 0);
      out[i] = dist[k - 1]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      joint.knn(i, k, dist, null, 0);
      out[i] = dist[k - 1]!;
    }
  }
  return out;
}

/**
 * out[i] = #{ j ≠ i : ‖q_j − q_i‖ < radius[i] } over the counter's points (the strict count
 * of ksg1.ts `countOthersStrict`, radii already tie-adjusted), for every row i of q.
 * `rows[i]`, when given, is the counter's row equal to q row i (a permuted block).
 *
 * A sorted 1-D counter answers all queries in one sweep in sorted order
 * ({@link SortedMarginal.countSelf}); that needs q row i to be exactly the counter's row
 * rows[i] and `rows` to be one-to-one, which is verified first (else the per-row path runs).
 */
export function othersStrictAll(c: RangeCounter, q: Matrix, radius: Float64Array, rows?: ArrayLike<number>, out = new Int32Array(q.n)): Int32Array {
  const n = q.n;
  if (c instanceof SortedMarginal && q.d === 1 && c.n === n && sweepable(c, q, rows)) {
    const byRow = local.f64('byRow', n);
    for (let i = 0; i < n; i++) byRow[rows ? rows[i]! : i] = radius[i]!;
    const all = local.i32('all', n);
    c.countSelf(byRow, true, all);
    for (let i = 0; i < n; i++) {
      const r = radius[i]!;
      out[i] = all[rows ? rows[i]! : i]! - (r > 0 ? 1 : 0);
    }
    return out;
  }
  const order = rows ? undefined : c.queryOrder?.();
  if (order && order.length === n) {
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      out[i] = countStrict(c, q, i, radius[i]!, i);
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = countStrict(c, q, i, radius[i]!, rows ? rows[i]! : i);
  }
  return out;
}

function countStrict(c: RangeCounter, q: Matrix, i: number, r: number, row: number): number {
  const all = c.countNear ? c.countNear(row, q.data, i * q.d, r, true) : c.count(q.data, i * q.d, r, true);
  return all - (r > 0 ? 1 : 0);
}

/** q row i equals the counter's row rows[i] (or i) exactly, and `rows` is one-to-one. */
function sweepable(c: SortedMarginal, q: Matrix, rows?: ArrayLike<number>): boolean {
  const n = q.n, v = c.values, rank = c.rank, x = q.data;
  const seen = rows ? local.i32('seen', n).fill(0) : null;
  for (let i = 0; i < n; i++) {
    const row = rows ? rows[i]! : i;
    if (seen) {
      if (!(row >= 0 && row < n) || seen[row]) return false;
      seen[row] = 1;
    }
    if (x[i] !== v[rank[row]!]) return false;
  }
  return true;
}
