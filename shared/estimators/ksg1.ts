/**
 * KSG mutual information, algorithm 1: Kraskov, Stögbauer, Grassberger, "Estimating mutual
 * information", Phys. Rev. E 69, 066138 (2004), eq. (8), with the max-norm in every space.
 *
 *   ε_i   = distance from (x_i, y_i) to its k-th nearest neighbour in the joint space
 *   n_x(i) = #{ j ≠ i : ‖x_j − x_i‖ < ε_i }   (strict), n_y(i) likewise
 *   I     = ψ(k) + ψ(N) − ⟨ ψ(n_x + 1) + ψ(n_y + 1) ⟩          (nats)
 *
 * Radii are tie-adjusted (ties.ts) so that ties of decimal data survive float64 rounding.
 *
 * @example ksg1(x, y, 3) // x, y: n × d row-major matrices with the same n
 */
import { ksg1FromCounts } from './point-counts.js';
import type { BlockOrders } from './types.js';
import { hstack, type Matrix } from '../data/matrix.js';
import { jointOrders, neighbourIndex, rangeCounter, Scratch, type NeighbourIndex, type RangeCounter } from '../knn/index.js';
import { ksg1Counts2d, ksg1OrderedCounts2d, WASM_MAX_CROWDING, type IndexedOrder } from '../knn/wasm/ksg1-2d.js';
import type { ColumnOrder } from '../knn/order.js';
import { kthDistancesAll, othersStrictAll } from './counts.js';
import { strictRadius, TIE_RELATIVE, tieTolerance } from './ties.js';

/** ksg1FromParts' radii and counts (locals only: never escape a call). */
const local = new Scratch();

/**
 * #{ j ≠ i : ‖q_j − q_i‖ < r } among the counter's points, `r` already tie-adjusted
 * (see ties.ts). The query row itself is one of the counted points, at distance 0: it is
 * counted iff 0 < r, and removed. `row`: the counter's row equal to query row i (a hint for
 * counters with a `countNear` fast path; the count does not depend on it).
 */
export function countOthersStrict(c: RangeCounter, q: Matrix, i: number, r: number, row = i): number {
  const all = c.countNear ? c.countNear(row, q.data, i * q.d, r, true) : c.count(q.data, i * q.d, r, true);
  return all - (r > 0 ? 1 : 0);
}

/**
 * Eq. (8) from prebuilt parts: `joint` indexes the rows (xq_i, yq_i); `xc` / `yc` count over
 * the same multisets of x and y rows as xq / yq (possibly built from another row order:
 * this is how a permutation test reuses the marginal structures); `tol` is the tie
 * tolerance τ of ties.ts. `yRows[i]`, when given, is the row of `yc` equal to yq row i (a
 * permuted block); it only speeds the counts up.
 */
export function ksg1FromParts(
  joint: NeighbourIndex,
  xq: Matrix,
  xc: RangeCounter,
  yq: Matrix,
  yc: RangeCounter,
  k: number,
  tol: number,
  yRows?: ArrayLike<number>,
): number {
  const n = xq.n;
  const r = kthDistancesAll(joint, k, local.f64('r', n));
  for (let i = 0; i < n; i++) r[i] = strictRadius(r[i]!, tol);
  const nx = othersStrictAll(xc, xq, r, undefined, local.i32('nx', n));
  const ny = othersStrictAll(yc, yq, r, yRows, local.i32('ny', n));
  return ksg1FromCounts({ n, eps: r, counts: [nx, ny], dim: xq.d + yq.d }, k);
}

const indexed = (o: ColumnOrder | undefined): o is IndexedOrder => o?.index !== undefined;

/** = hstack(x, y), written into `data`. */
function hstackInto(x: Matrix, y: Matrix, data: Float64Array): Matrix {
  const n = x.n, dx = x.d, dy = y.d, d = dx + dy, xd = x.data, yd = y.data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dx; j++) data[i * d + j] = xd[i * dx + j]!;
    for (let j = 0; j < dy; j++) data[i * d + dx + j] = yd[i * dy + j]!;
  }
  return { n, d, data };
}

/** KSG-1 estimate of I(X;Y) in nats. Assumes validated input (equal n, 1 ≤ k < n). */
/** `orders`: the sort orders of 1-D x and y when already known (see rows.ts); same value. */
/** `scratch`: arrays for the joint block and its index (a replicate loop; see knn/scratch.ts). */
export function ksg1(x: Matrix, y: Matrix, k: number, orders?: BlockOrders, scratch?: Scratch): number {
  // two 1-D blocks: the WebAssembly kernel (knn/wasm/ksg1-2d.ts), the same values; from the
  // orders when given with their index (a resampling replicate's), else it sorts
  if (x.d === 1 && y.d === 1) {
    const ox = orders?.[0], oy = orders?.[1];
    const xs = x.data.subarray(0, x.n), ys = y.data.subarray(0, y.n);
    const c = !ox && !oy
      ? ksg1Counts2d(xs, ys, k, TIE_RELATIVE, WASM_MAX_CROWDING)
      : indexed(ox) && indexed(oy)
        ? ksg1OrderedCounts2d(xs, ox, ys, oy, k, TIE_RELATIVE, WASM_MAX_CROWDING)
        : undefined;
    if (c) return ksg1FromCounts({ n: x.n, eps: c.eps, counts: [c.nx, c.ny], dim: 2 }, k);
  }
  const xc = rangeCounter(x, orders?.[0]), yc = rangeCounter(y, orders?.[1]);
  const joint = neighbourIndex(scratch ? hstackInto(x, y, scratch.f64('ksg1.joint', x.n * (x.d + y.d))) : hstack(x, y), jointOrders([x, y], [xc, yc]), scratch);
  return ksg1FromParts(joint, x, xc, y, yc, k, tieTolerance(x, y));
}
