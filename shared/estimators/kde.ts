/**
 * Gaussian kernel density estimates of entropy and MI, resubstitution over the sample:
 *   Ĥ = −⟨ ln f̂(x_i) ⟩,  Î = ⟨ ln( f̂(x_i, y_i) / (f̂(x_i) f̂(y_i)) ) ⟩          (nats)
 * Product Gaussian kernel with per-column bandwidth h_c = σ_c · a, σ_c the column's sample sd
 * (ddof 1), d the dimension of the density's space and
 *   Scott (Multivariate Density Estimation, 1992, eq. (6.42)):   a = N^{−1/(d+4)}
 *   Silverman (Density Estimation, 1986, eq. (4.14)):           a = (4 / ((d + 2) N))^{1/(d+4)}
 *   f̂(s_i) = (1/M) Σ_j Π_c φ((s_ic − s_jc)/h_c)/h_c with the sum over j ≠ i and M = N − 1
 *   (leave-one-out, `kdeMode` loo, the default) or over all j and M = N (resubstitution).
 * Each density (X, Y and the joint) takes the rule for its own dimension. O(N² d).
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';

export const BANDWIDTHS = ['scott', 'silverman'] as const;
export const KDE_MODES = ['loo', 'resubstitution'] as const;

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
