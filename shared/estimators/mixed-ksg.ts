/**
 * Mixed discrete–continuous MI: Gao, Kannan, Oh, Viswanath, "Estimating mutual information
 * for discrete-continuous mixtures", NeurIPS 2017 (the estimator Î of their Algorithm 1),
 * max-norm, counts that **include** the point itself:
 *
 *   ρ_i = k-th neighbour distance of (x_i, y_i) in the joint space (self excluded)
 *   ρ_i = 0: k̃_i = #{ j : ‖z_j − z_i‖ = 0 }, n_x(i) = #{ j : ‖x_j − x_i‖ = 0 }, n_y likewise
 *   ρ_i > 0: k̃_i = k, n_x(i) = #{ j : ‖x_j − x_i‖ < ρ_i } (strict), n_y likewise
 *   I = (1/N) Σ [ ψ(k̃_i) + ln N − ψ(n_x(i)) − ψ(n_y(i)) ]          (nats)
 *
 * Ties are this estimator's purpose, so duplicates draw no warning; zero distances are exact and
 * the strict radius is tie-adjusted (ties.ts). On purely discrete data
 * it equals the plug-in MI.
 *
 * @example mixedKsg(x, y, 5)
 */
import { mixedKsgFromCounts } from './point-counts.js';
import type { BlockOrders } from './types.js';
import { hstack, type Matrix } from '../data/matrix.js';
import { jointOrders, neighbourIndex, rangeCounter, type NeighbourIndex, type RangeCounter } from '../knn/index.js';
import { strictRadius, tieTolerance } from './ties.js';

/** The estimator from prebuilt parts; `jointData` is the matrix `joint` indexes. */
export function mixedKsgFromParts(
  joint: NeighbourIndex,
  jointData: Matrix,
  xq: Matrix,
  xc: RangeCounter,
  yq: Matrix,
  yc: RangeCounter,
  k: number,
  tol: number,
): number {
  const n = xq.n;
  const dist = new Float64Array(k);
  const eps = new Float64Array(n), cx = new Int32Array(n), cy = new Int32Array(n), cj = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    joint.knn(i, k, dist, null, 0);
    const rho = dist[k - 1]!;
    eps[i] = rho;
    // the structures count the point itself; the shared formula takes others only
    if (rho === 0) {
      cj[i] = joint.count(jointData.data, i * jointData.d, 0, false) - 1;
      cx[i] = xc.count(xq.data, i * xq.d, 0, false) - 1;
      cy[i] = yc.count(yq.data, i * yq.d, 0, false) - 1;
    } else {
      const r = strictRadius(rho, tol);
      cx[i] = xc.count(xq.data, i * xq.d, r, true) - 1;
      cy[i] = yc.count(yq.data, i * yq.d, r, true) - 1;
    }
  }
  return mixedKsgFromCounts({ n, eps, counts: [cx, cy, cj], dim: xq.d + yq.d }, k);
}

/** Gao et al. mixed KSG estimate of I(X;Y) in nats. Assumes validated input. */
/** `orders`: the sort orders of 1-D x and y when already known (see rows.ts); same value. */
export function mixedKsg(x: Matrix, y: Matrix, k: number, orders?: BlockOrders): number {
  const jointData = hstack(x, y);
  const xc = rangeCounter(x, orders?.[0]), yc = rangeCounter(y, orders?.[1]);
  return mixedKsgFromParts(neighbourIndex(jointData, jointOrders([x, y], [xc, yc])), jointData, x, xc, y, yc, k, tieTolerance(x, y));
}
