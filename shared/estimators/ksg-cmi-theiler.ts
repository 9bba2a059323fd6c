/**
 * Frenzel–Pompe conditional MI with a Theiler window: Frenzel & Pompe, PRL 99, 204101 (2007),
 * eq. (4) (as ksg-cmi.ts), where every row j within W time steps of row i (|t_i − t_j| ≤ W) is
 * excluded both from the kNN search of row i and from all its neighbourhood counts
 * (Theiler, "Spurious dimension from correlation integrals", PRA 34, 2427 (1986): temporally
 * close points are not independent neighbours):
 *
 *   ε_i = k-th nearest distance from (x_i, y_i, z_i) among rows j with |t_i − t_j| > W
 *   n_s(i) = #{ j : |t_i − t_j| > W, ‖s_j − s_i‖ < ε_i } for s = xz, yz, z    (strict)
 *   I(X;Y|Z) = ψ(k) − ⟨ ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1) ⟩                (nats)
 *
 * t_i is row i's time step: i by default (rows in time order); a resampled block passes its
 * rows' original steps, so a replicate excludes the same temporal neighbours (and its own
 * repeated rows). W = 0 with t_i = i excludes only j = i: the same counts and the same
 * summation order as ksgCmi, so the same value (tested to 1e-12 relative). Radii are
 * tie-adjusted (ties.ts), as there.
 *
 * Exact without scanning all rows: if c_i rows besides i lie in i's window, then among the
 * k + c_i nearest neighbours of row i (self excluded) at least k lie outside it, so the k-th
 * of those is the k-th nearest outside the window (neighbour lists are ordered by (distance,
 * index), the NeighbourIndex contract). Each count is ksgCmi's range count less the window
 * rows inside the radius, found through the rows sorted by time. O(N (log N + k + c)) per
 * space, c ≈ 2W.
 *
 * @throws EstimatorError when W is not a non-negative integer or a row has fewer than k rows
 *   outside its window (N ≤ 2W + k).
 * @example ksgCmiTheiler(x, y, z, 4, 10)
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { maxNorm, neighbourIndex, rangeCounter, type RangeCounter } from '../knn/index.js';
import { ensureDigammaTable } from '../stats/special.js';
import { countOthersStrict } from './ksg1.js';
import { strictRadius, tieTolerance } from './ties.js';

/** Rows sorted by time, and each row's window [lo, hi] as positions in that order. */
function windows(t: ArrayLike<number>, n: number, w: number): { byTime: Int32Array; lo: Int32Array; hi: Int32Array } {
  const byTime = Int32Array.from({ length: n }, (_, i) => i);
  byTime.sort((a, b) => t[a]! - t[b]! || a - b);
  const lo = new Int32Array(n), hi = new Int32Array(n);
  let a = 0, b = 0;
  for (let p = 0; p < n; p++) {
    const ti = t[byTime[p]!]!;
    while (t[byTime[a]!]! < ti - w) a++;
    if (b < p) b = p;
    while (b + 1 < n && t[byTime[b + 1]!]! <= ti + w) b++;
    lo[byTime[p]!] = a;
    hi[byTime[p]!] = b;
  }
  return { byTime, lo, hi };
}

/** #{ j : |t_i − t_j| > w, ‖m_j − m_i‖ < r }: the strict range count less the window rows inside r. */
function countOutside(c: RangeCounter, m: Matrix, i: number, r: number, byTime: Int32Array, lo: number, hi: number): number {
  let count = countOthersStrict(c, m, i, r);
  for (let p = lo; p <= hi; p++) {
    const j = byTime[p]!;
    if (j !== i && maxNorm(m.data, i * m.d, m.data, j * m.d, m.d) < r) count--;
  }
  return count;
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
  const t = time ?? Int32Array.from({ length: n }, (_, i) => i);
  const { byTime, lo, hi } = windows(t, n, w);
  const xz = hstack(x, z), yz = hstack(y, z);
  const joint = neighbourIndex(hstack(x, y, z));
  const xzc = rangeCounter(xz), yzc = rangeCounter(yz), zc = rangeCounter(z);
  const tol = tieTolerance(x, y, z);
  const psi = ensureDigammaTable(n + 1);
  let mMax = 0;
  for (let i = 0; i < n; i++) mMax = Math.max(mMax, Math.min(k + hi[i]! - lo[i]!, n - 1));
  const dist = new Float64Array(mMax), idx = new Int32Array(mMax);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    // hi − lo rows besides i share its window: the k + (hi − lo) nearest hold k outside it
    const m = Math.min(k + hi[i]! - lo[i]!, n - 1);
    joint.knn(i, m, dist, idx, 0);
    let eps = Infinity;
    for (let s = 0, seen = 0; s < m; s++) {
      if (Math.abs(t[i]! - t[idx[s]!]!) > w && ++seen === k) {
        eps = dist[s]!;
        break;
      }
    }
    if (eps === Infinity) throw new EstimatorError(`cmi with k = ${k} and theiler window ${w}: row ${i} has fewer than k rows outside its window (use a smaller window or k)`);
    const r = strictRadius(eps, tol);
    sum +=
      psi[countOutside(xzc, xz, i, r, byTime, lo[i]!, hi[i]!) + 1]! +
      psi[countOutside(yzc, yz, i, r, byTime, lo[i]!, hi[i]!) + 1]! -
      psi[countOutside(zc, z, i, r, byTime, lo[i]!, hi[i]!) + 1]!;
  }
  return psi[k]! - sum / n;
}
