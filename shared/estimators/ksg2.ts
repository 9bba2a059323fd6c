/**
 * KSG mutual information, algorithm 2: Kraskov, Stögbauer, Grassberger, Phys. Rev. E 69,
 * 066138 (2004), eq. (9), max-norm in every space.
 *
 *   Among the k joint neighbours of i: ε_x(i) = max ‖x_j − x_i‖, ε_y(i) = max ‖y_j − y_i‖
 *   n_x(i) = #{ j ≠ i : ‖x_j − x_i‖ ≤ ε_x(i) }   (non-strict), n_y(i) likewise
 *   I = ψ(k) − 1/k + ψ(N) − ⟨ ψ(n_x) + ψ(n_y) ⟩          (nats)
 *
 * Ties at the k-th joint distance are broken by the smaller row index (see
 * `NeighbourIndex.knn`), so the neighbour set, hence ε_x and ε_y, is well defined; count
 * radii are tie-adjusted (ties.ts).
 *
 * @example ksg2(x, y, 3)
 */
import { ksg2FromCounts } from './point-counts.js';
import type { BlockOrders } from './types.js';
import { hstack, type Matrix } from '../data/matrix.js';
import { jointOrders, maxNorm, neighbourIndex, rangeCounter, type NeighbourIndex, type RangeCounter } from '../knn/index.js';
import { inclusiveRadius, tieTolerance } from './ties.js';

/** Eq. (9) from prebuilt parts (see `ksg1FromParts` for the roles). */
export function ksg2FromParts(joint: NeighbourIndex, xq: Matrix, xc: RangeCounter, yq: Matrix, yc: RangeCounter, k: number, tol: number): number {
  const n = xq.n;
  const dist = new Float64Array(k);
  const idx = new Int32Array(k);
  const dx = xq.d, dy = yq.d;
  const eps = new Float64Array(n), cx = new Int32Array(n), cy = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    joint.knn(i, k, dist, idx, 0);
    let ex = 0, ey = 0;
    for (let t = 0; t < k; t++) {
      const j = idx[t]!;
      const a = maxNorm(xq.data, j * dx, xq.data, i * dx, dx);
      if (a > ex) ex = a;
      const b = maxNorm(yq.data, j * dy, yq.data, i * dy, dy);
      if (b > ey) ey = b;
    }
    // non-strict counts always include the query row itself (distance 0 ≤ ε)
    eps[i] = dist[k - 1]!;
    cx[i] = xc.count(xq.data, i * dx, inclusiveRadius(ex, tol), false) - 1;
    cy[i] = yc.count(yq.data, i * dy, inclusiveRadius(ey, tol), false) - 1;
  }
  return ksg2FromCounts({ n, eps, counts: [cx, cy], dim: dx + dy }, k);
}

/** KSG-2 estimate of I(X;Y) in nats. Assumes validated input (equal n, 1 ≤ k < n). */
/** `orders`: the sort orders of 1-D x and y when already known (see rows.ts); same value. */
export function ksg2(x: Matrix, y: Matrix, k: number, orders?: BlockOrders): number {
  const xc = rangeCounter(x, orders?.[0]), yc = rangeCounter(y, orders?.[1]);
  return ksg2FromParts(neighbourIndex(hstack(x, y), jointOrders([x, y], [xc, yc])), x, xc, y, yc, k, tieTolerance(x, y));
}
