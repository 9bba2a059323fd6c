/**
 * Frenzel–Pompe conditional MI with a Theiler window: Frenzel & Pompe, PRL 99, 204101 (2007),
 * eq. (4) (as ksg-cmi.ts), where rows are time steps and every j with |i − j| ≤ W is
 * excluded both from the kNN search of row i and from all its neighbourhood counts
 * (Theiler, "Spurious dimension from correlation integrals", PRA 34, 2427 (1986): temporally
 * close points are not independent neighbours). With N' = the rows outside the window:
 *
 *   ε_i = k-th nearest distance from (x_i, y_i, z_i) among rows j with |i − j| > W
 *   n_s(i) = #{ j : |i − j| > W, ‖s_j − s_i‖ < ε_i } for s = xz, yz, z       (strict)
 *   I(X;Y|Z) = ψ(k) − ⟨ ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1) ⟩                (nats)
 *
 * W = 0 excludes only j = i: the same counts and the same summation order as ksgCmi, so
 * the same value (tested to 1e-12 relative). Radii are tie-adjusted (ties.ts), as there.
 *
 * Brute force, O(N² (d_x + d_y + d_z)): the kNN structures cannot skip a window of rows.
 * Written for TE's `--theiler W` on series of up to ~1e4 embedded rows.
 *
 * @throws EstimatorError when W is not a non-negative integer or a row has fewer than k rows
 *   outside its window (N ≤ 2W + k).
 * @example ksgCmiTheiler(x, y, z, 4, 10)
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { maxNorm } from '../knn/index.js';
import { ensureDigammaTable } from '../stats/special.js';
import { strictRadius, tieTolerance } from './ties.js';

/**
 * The k-th smallest of `dist` over j with |i − j| > w, by insertion into a sorted list of k
 * (k is small; the scan is what costs).
 */
function kthOutsideWindow(joint: Matrix, i: number, k: number, w: number, best: Float64Array, t: ArrayLike<number>): number {
  const { n, d, data } = joint;
  best.fill(Infinity);
  for (let j = 0; j < n; j++) {
    if (Math.abs(t[i]! - t[j]!) <= w) continue;
    const v = maxNorm(data, i * d, data, j * d, d);
    if (v >= best[k - 1]!) continue;
    let p = k - 1;
    while (p > 0 && best[p - 1]! > v) {
      best[p] = best[p - 1]!;
      p--;
    }
    best[p] = v;
  }
  return best[k - 1]!;
}

/** #{ j : |t_i − t_j| > w, ‖m_j − m_i‖ < r }. */
function countOutsideWindow(m: Matrix, i: number, r: number, w: number, t: ArrayLike<number>): number {
  const { n, d, data } = m;
  let c = 0;
  for (let j = 0; j < n; j++) {
    if (Math.abs(t[i]! - t[j]!) <= w) continue;
    if (maxNorm(data, i * d, data, j * d, d) < r) c++;
  }
  return c;
}

/**
 * Frenzel–Pompe estimate of I(X;Y|Z) in nats with Theiler window `w`. `time[i]` is row i's time
 * step (default: i, rows in time order); resampled rows keep their original time steps, so a
 * bootstrap replicate excludes the same temporal neighbours (and its repeated rows).
 */
export function ksgCmiTheiler(x: Matrix, y: Matrix, z: Matrix, k: number, w: number, time?: ArrayLike<number>): number {
  const n = x.n;
  if (!Number.isInteger(w) || w < 0) throw new EstimatorError(`theiler window must be a non-negative integer, got ${w}`);
  // the row with the fewest rows outside its window is the middle one: n − (2w + 1) of them
  const fewest = n - Math.min(n, 2 * w + 1);
  if (!Number.isInteger(k) || k < 1 || k > fewest) {
    throw new EstimatorError(
      `cmi with k = ${k} and theiler window ${w} needs at least k rows outside every window: ${n} rows leave ${fewest} (use a smaller window or k)`,
    );
  }
  const joint = hstack(x, y, z), xz = hstack(x, z), yz = hstack(y, z);
  const tol = tieTolerance(x, y, z);
  const psi = ensureDigammaTable(n + 1);
  const best = new Float64Array(k);
  const t = time ?? Int32Array.from({ length: n }, (_, i) => i);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const eps = kthOutsideWindow(joint, i, k, w, best, t);
    if (eps === Infinity) throw new EstimatorError(`cmi with k = ${k} and theiler window ${w}: row ${i} has fewer than k rows outside its window (use a smaller window or k)`);
    const r = strictRadius(eps, tol);
    sum += psi[countOutsideWindow(xz, i, r, w, t) + 1]! + psi[countOutsideWindow(yz, i, r, w, t) + 1]! - psi[countOutsideWindow(z, i, r, w, t) + 1]!;
  }
  return psi[k]! - sum / n;
}
