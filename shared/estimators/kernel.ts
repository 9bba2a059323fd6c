/**
 * Kernel (fixed-bandwidth density) estimators of entropy and MI, resubstitution over the
 * sample: Ĥ = −⟨ ln f̂(x_i) ⟩,  Î = ⟨ ln( f̂(x_i, y_i) / (f̂(x_i) f̂(y_i)) ) ⟩          (nats)
 *
 * Box kernel (`kernel`, as JIDT's EntropyCalculatorMultiVariateKernel and
 * MutualInfoCalculatorMultiVariateKernel; Silverman, Density Estimation, 1986, eq. (2.1)):
 *   c_i = #{ j : ‖s_j − s_i‖∞ ≤ r } in the space S of the density, the point itself included
 *   (so c_i ≥ 1), f̂(s_i) = c_i / (N (2r)^d);  r = `kernelWidth` (in sd units when normalize is
 *   on, as JIDT, whose default is 0.25). In the MI the (2r)^d cancel:
 *   Î = ⟨ ln( N c_xy(i) / (c_x(i) c_y(i)) ) ⟩.
 *
 * Gaussian KDE (`kde`): product Gaussian kernel with per-column bandwidth h_c = σ_c · a, σ_c the
 * column's sample sd (ddof 1), d the dimension of the density's space and
 *   Scott (Multivariate Density Estimation, 1992, eq. (6.42)):   a = N^{−1/(d+4)}
 *   Silverman (1986, eq. (4.14)):                               a = (4 / ((d + 2) N))^{1/(d+4)}
 *   f̂(s_i) = (1/M) Σ_j Π_c φ((s_ic − s_jc)/h_c)/h_c with the sum over j ≠ i and M = N − 1
 *   (leave-one-out, `kdeMode` loo, the default) or over all j and M = N (resubstitution).
 * Each density (X, Y and the joint) takes the rule for its own dimension. O(N² d).
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { rangeCounter } from '../knn/index.js';
import { inclusiveRadius, tieTolerance } from './ties.js';

export const BANDWIDTHS = ['scott', 'silverman'] as const;
export const KDE_MODES = ['loo', 'resubstitution'] as const;

/** Box-kernel counts c_i (self included) within max-norm radius r. */
function boxCounts(m: Matrix, r: number): Int32Array {
  const c = rangeCounter(m);
  const rr = inclusiveRadius(r, tieTolerance(m));
  const out = new Int32Array(m.n);
  for (let i = 0; i < m.n; i++) out[i] = c.count(m.data, i * m.d, rr, false);
  return out;
}

/** Box-kernel differential entropy of the rows of x, in nats. */
export function boxEntropy(x: Matrix, r: number): number {
  const { n, d } = x;
  const c = boxCounts(x, r);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(c[i]!);
  return -(s / n) + Math.log(n) + d * Math.log(2 * r);
}

/** Box-kernel MI between the rows of x and y, in nats. */
export function boxMi(x: Matrix, y: Matrix, r: number): number {
  const n = x.n;
  const cx = boxCounts(x, r), cy = boxCounts(y, r), cj = boxCounts(hstack(x, y), r);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log((n * cj[i]!) / (cx[i]! * cy[i]!));
  return s / n;
}

/** The bandwidth of each column of m under `rule`. @throws EstimatorError for a constant column. */
export function bandwidths(m: Matrix, rule: (typeof BANDWIDTHS)[number]): Float64Array {
  const { n, d, data } = m;
  const a = rule === 'scott' ? n ** (-1 / (d + 4)) : (4 / ((d + 2) * n)) ** (1 / (d + 4));
  const h = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + c]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (data[i * d + c]! - mean) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    if (!(sd > 0)) throw new EstimatorError(`kde: column ${c} is constant, so its bandwidth (sd · ${rule} factor) is 0`);
    h[c] = sd * a;
  }
  return h;
}

/** ln f̂(s_i) for every row of m. */
export function kdeLogDensities(m: Matrix, rule: (typeof BANDWIDTHS)[number], loo: boolean): Float64Array {
  const { n, d, data } = m;
  const h = bandwidths(m, rule);
  let logNorm = 0; // ln Π_c (h_c √(2π))
  for (let c = 0; c < d; c++) logNorm += Math.log(h[c]! * Math.sqrt(2 * Math.PI));
  const out = new Float64Array(n);
  const M = loo ? n - 1 : n;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      if (loo && j === i) continue;
      let q = 0;
      for (let c = 0; c < d; c++) {
        const u = (data[i * d + c]! - data[j * d + c]!) / h[c]!;
        q += u * u;
      }
      s += Math.exp(-0.5 * q);
    }
    out[i] = Math.log(s / M) - logNorm;
  }
  return out;
}

/** Gaussian-KDE differential entropy of the rows of x, in nats. */
export function kdeEntropy(x: Matrix, rule: (typeof BANDWIDTHS)[number], loo: boolean): number {
  const l = kdeLogDensities(x, rule, loo);
  let s = 0;
  for (let i = 0; i < x.n; i++) s += l[i]!;
  const h = -s / x.n;
  if (!Number.isFinite(h)) throw new EstimatorError('kde: a leave-one-out density underflowed to 0 (an isolated point); use kdeMode resubstitution or more data');
  return h;
}

/** Gaussian-KDE MI between the rows of x and y, in nats. */
export function kdeMi(x: Matrix, y: Matrix, rule: (typeof BANDWIDTHS)[number], loo: boolean): number {
  const lx = kdeLogDensities(x, rule, loo), ly = kdeLogDensities(y, rule, loo), lj = kdeLogDensities(hstack(x, y), rule, loo);
  let s = 0;
  for (let i = 0; i < x.n; i++) s += lj[i]! - lx[i]! - ly[i]!;
  const mi = s / x.n;
  if (!Number.isFinite(mi)) throw new EstimatorError('kde: a leave-one-out density underflowed to 0 (an isolated point); use kdeMode resubstitution or more data');
  return mi;
}
