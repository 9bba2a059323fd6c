/**
 * Gaussian (parametric) MI from the sample covariance: for jointly Gaussian (X, Y),
 * I(X;Y) = ½ ( ln|Σ_X| + ln|Σ_Y| − ln|Σ_XY| ) (Cover & Thomas, Elements of Information
 * Theory, 2nd ed., eq. (8.56) applied to h(X) + h(Y) − h(X,Y)). Log-determinants by
 * Cholesky, ln|Σ| = 2 Σ ln L_jj; the covariance scale (ddof) cancels.
 *
 * @throws EstimatorError when a covariance block is not positive definite (a constant or
 *   collinear column, or fewer rows than columns + 1).
 * @example gaussianMi(x, y)
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';

/** Sample covariance (divided by n − 1) of the columns of m, row-major d × d. */
export function covariance(m: Matrix): Float64Array {
  const { n, d, data } = m;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const c = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) c[a * d + b]! += row[a]! * row[b]!;
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = c[a * d + b]! / (n - 1);
      c[a * d + b] = v;
      c[b * d + a] = v;
    }
  }
  return c;
}

/** ln det of a symmetric positive-definite d × d matrix by Cholesky; NaN if not PD. */
export function logDetSpd(a: Float64Array, d: number): number {
  const l = new Float64Array(d * d);
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let t = 0; t < j; t++) s -= l[j * d + t]! * l[j * d + t]!;
    // relative pivot test: a pivot lost to cancellation means a (near-)singular block
    if (!(s > 1e-13 * a[j * d + j]!) || !(s > 0)) return NaN;
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    logDet += 2 * Math.log(ljj);
    for (let i = j + 1; i < d; i++) {
      let v = a[i * d + j]!;
      for (let t = 0; t < j; t++) v -= l[i * d + t]! * l[j * d + t]!;
      l[i * d + j] = v / ljj;
    }
  }
  return logDet;
}

/** The block rows r0..r1, columns r0..r1 of a D × D matrix. */
function block(a: Float64Array, D: number, r0: number, r1: number): Float64Array {
  const d = r1 - r0;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = a[(r0 + i) * D + r0 + j]!;
  return out;
}

/** Gaussian MI estimate of I(X;Y) in nats. */
export function gaussianMi(x: Matrix, y: Matrix): number {
  const D = x.d + y.d;
  const cov = covariance(hstack(x, y));
  const lx = logDetSpd(block(cov, D, 0, x.d), x.d);
  const ly = logDetSpd(block(cov, D, x.d, D), y.d);
  const lxy = logDetSpd(cov, D);
  for (const [v, what] of [[lx, 'x'], [ly, 'y'], [lxy, 'the joint (x, y)']] as const) {
    if (Number.isNaN(v)) {
      throw new EstimatorError(
        `gaussian: the sample covariance of ${what} is singular (a constant or collinear column, or too few rows: n = ${x.n})`,
      );
    }
  }
  return 0.5 * (lx + ly - lxy);
}
