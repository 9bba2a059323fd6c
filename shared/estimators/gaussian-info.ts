/**
 * Gaussian (parametric) entropy, conditional entropy, local values and analytic bias terms.
 *
 * Entropy of a d-dimensional Gaussian (Cover & Thomas, Theorem 8.4.1): h = ½ ln((2πe)^d |Σ|),
 * here with the maximum-likelihood covariance S = (1/N) Σ (x_i − x̄)(x_i − x̄)ᵀ, so that the
 * estimate is exactly the mean of its local values h_i = −ln f̂(x_i) = ½ ln((2π)^d |S|) + ½ q_i,
 * q_i = (x_i − x̄)ᵀ S⁻¹ (x_i − x̄) (the q_i average to d). Conditional entropy
 * H(X|Z) = H(X,Z) − H(Z) (entropy rate: X the next value, Z the history).
 *
 * Local MI / CMI (Lizier 2014, local information dynamics, eq. 9) combine the local entropies:
 * i(x;y) = h(x) + h(y) − h(x,y), i(x;y|z) = h(x,z) + h(y,z) − h(z) − h(x,y,z); the quadratic
 * terms average to d_x + d_y − d_xy = 0, so their mean is the log-determinant estimate
 * (gaussian.ts, gaussian-multi.ts) to rounding.
 *
 * Analytic bias (Gaussian data, N rows): E[ln|S|] = ln|Σ| + d ln(2/N) + Σ_{i=1..d} ψ((N − i)/2)
 * (the log of a Wishart determinant: Goodman, Ann. Math. Stat. 34 (1963) 152; Misra, Singh,
 * Demchuk, J. Chem. Phys. 123 (2005) 084103 for its use in entropy). `logDetBias(d, N)` is that
 * offset; subtracting ½ of it from each entropy term gives an unbiased ln|Σ| and the corrected
 * entropy, conditional entropy and multivariate measures. The MI family is corrected as JIDT's
 * Gaussian calculators do: minus the mean df/(2N) of its χ² null (analytic.ts).
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { digamma } from '../stats/special.js';
import { covariance } from './gaussian.js';

const LN_2PI = Math.log(2 * Math.PI);

/** The Cholesky factor (row-major lower) of a d × d SPD matrix, or null when not positive definite. */
function cholesky(a: Float64Array, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let t = 0; t < j; t++) s -= l[j * d + t]! * l[j * d + t]!;
    if (!(s > 1e-13 * a[j * d + j]!) || !(s > 0)) return null;
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = a[i * d + j]!;
      for (let t = 0; t < j; t++) v -= l[i * d + t]! * l[j * d + t]!;
      l[i * d + j] = v / ljj;
    }
  }
  return l;
}

/** The ML covariance's Cholesky factor and log-determinant; EstimatorError naming `what` when singular. */
function mlFactor(m: Matrix, what: string): { l: Float64Array; logDet: number; mean: Float64Array } {
  const { n, d, data } = m;
  if (n < d + 1) throw new EstimatorError(`gaussian: ${what} has ${d} columns and only ${n} rows; the covariance needs at least ${d + 1}`);
  const s = covariance(m);
  const scale = (n - 1) / n;
  for (let i = 0; i < s.length; i++) s[i] = s[i]! * scale;
  const l = cholesky(s, d);
  if (!l) throw new EstimatorError(`gaussian: the sample covariance of ${what} is singular (a constant or collinear column, or too few rows: n = ${n})`);
  let logDet = 0;
  for (let j = 0; j < d; j++) logDet += 2 * Math.log(l[j * d + j]!);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return { l, logDet, mean };
}

/** Gaussian differential entropy of the rows of x (ML covariance), nats. */
export function gaussianEntropy(x: Matrix, what = 'x'): number {
  const { logDet } = mlFactor(x, what);
  return 0.5 * (x.d * (LN_2PI + 1) + logDet);
}

/** Gaussian H(X|Z) = H(X,Z) − H(Z), nats. */
export function gaussianCondEntropy(x: Matrix, z: Matrix): number {
  return gaussianEntropy(hstack(x, z), '(x, z)') - gaussianEntropy(z, 'z');
}

/** E[ln|S_ML|] − ln|Σ| for d dimensions and N rows of Gaussian data. */
export function logDetBias(d: number, n: number): number {
  let s = d * Math.log(2 / n);
  for (let i = 1; i <= d; i++) s += digamma((n - i) / 2);
  return s;
}

/** Local entropies −ln f̂(x_i) under the ML Gaussian fit. */
export function gaussianEntropyLocals(x: Matrix, what = 'x'): Float64Array {
  const { n, d, data } = x;
  const { l, logDet, mean } = mlFactor(x, what);
  const base = 0.5 * (d * LN_2PI + logDet);
  const v = new Float64Array(d);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // forward substitution L v = x_i − x̄; q_i = |v|²
    let q = 0;
    for (let j = 0; j < d; j++) {
      let s = data[i * d + j]! - mean[j]!;
      for (let t = 0; t < j; t++) s -= l[j * d + t]! * v[t]!;
      v[j] = s / l[j * d + j]!;
      q += v[j]! * v[j]!;
    }
    out[i] = base + 0.5 * q;
  }
  return out;
}

function combine(terms: readonly [Float64Array, number][]): Float64Array {
  const n = terms[0]![0].length;
  const out = new Float64Array(n);
  for (const [a, w] of terms) for (let i = 0; i < n; i++) out[i]! += w * a[i]!;
  return out;
}

/** Local h(x|z) = h(x,z) − h(z). */
export function gaussianCondEntropyLocals(x: Matrix, z: Matrix): Float64Array {
  return combine([[gaussianEntropyLocals(hstack(x, z), '(x, z)'), 1], [gaussianEntropyLocals(z, 'z'), -1]]);
}

/** Local i(x;y) = h(x) + h(y) − h(x,y). */
export function gaussianMiLocals(x: Matrix, y: Matrix): Float64Array {
  return combine([[gaussianEntropyLocals(x), 1], [gaussianEntropyLocals(y, 'y'), 1], [gaussianEntropyLocals(hstack(x, y), 'the joint (x, y)'), -1]]);
}

/** Local i(x;y|z) = h(x,z) + h(y,z) − h(z) − h(x,y,z). */
export function gaussianCmiLocals(x: Matrix, y: Matrix, z: Matrix): Float64Array {
  return combine([
    [gaussianEntropyLocals(hstack(x, z), '(x, z)'), 1],
    [gaussianEntropyLocals(hstack(y, z), '(y, z)'), 1],
    [gaussianEntropyLocals(z, 'z'), -1],
    [gaussianEntropyLocals(hstack(x, y, z), 'the joint (x, y, z)'), -1],
  ]);
}
