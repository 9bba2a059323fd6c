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
  return logDetSpdWith(a, d, new Float64Array(d * d));
}

/** logDetSpd with the Cholesky factor written into `l` (d × d, every entry read is written first). */
function logDetSpdWith(a: Float64Array, d: number, l: Float64Array): number {
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

/**
 * Gaussian MI of (x, y with rows permuted) for many permutations: row i pairs x_i with y_perm[i].
 * Returns NaN where gaussianMi would throw (a singular block; the caller then runs gaussianMi for
 * its error). Bit-identical to gaussianMi(x, gatherRows(y, perm)): every covariance entry gets
 * the same additions in the same row order as `covariance(hstack(x, yp))`. What a shuffle leaves
 * unchanged is computed once: X's column means, centred rows and covariance block. Per
 * permutation only Y's means (summed in permuted row order, as the gathered copy would be), the
 * Y and cross blocks and the three Cholesky factorisations remain, in preallocated buffers.
 */
export function gaussianMiPermuted(x: Matrix, y: Matrix): (perm: ArrayLike<number>) => number {
  const n = x.n, dx = x.d, dy = y.d, D = dx + dy, xd = x.data, yd = y.data;
  const mx = new Float64Array(dx);
  for (let i = 0; i < n; i++) for (let j = 0; j < dx; j++) mx[j]! += xd[i * dx + j]!;
  for (let j = 0; j < dx; j++) mx[j]! /= n;
  const rx = new Float64Array(n * dx);
  for (let i = 0; i < n; i++) for (let j = 0; j < dx; j++) rx[i * dx + j] = xd[i * dx + j]! - mx[j]!;
  // the X block (a, b < dx) of the joint covariance, before the division by n − 1
  const cxx = new Float64Array(dx * dx);
  for (let i = 0; i < n; i++) for (let a = 0; a < dx; a++) for (let b = 0; b <= a; b++) cxx[a * dx + b]! += rx[i * dx + a]! * rx[i * dx + b]!;
  const my = new Float64Array(dy), row = new Float64Array(D);
  const c = new Float64Array(D * D), cx = new Float64Array(dx * dx), cy = new Float64Array(dy * dy), l = new Float64Array(D * D);
  return (perm) => {
    my.fill(0);
    for (let i = 0; i < n; i++) {
      const s = perm[i]! * dy;
      for (let j = 0; j < dy; j++) my[j]! += yd[s + j]!;
    }
    for (let j = 0; j < dy; j++) my[j]! /= n;
    c.fill(0);
    for (let i = 0; i < n; i++) {
      const s = perm[i]! * dy;
      for (let j = 0; j < dx; j++) row[j] = rx[i * dx + j]!;
      for (let j = 0; j < dy; j++) row[dx + j] = yd[s + j]! - my[j]!;
      for (let a = dx; a < D; a++) for (let b = 0; b <= a; b++) c[a * D + b]! += row[a]! * row[b]!;
    }
    for (let a = 0; a < dx; a++) for (let b = 0; b <= a; b++) c[a * D + b] = cxx[a * dx + b]!;
    for (let a = 0; a < D; a++) {
      for (let b = 0; b <= a; b++) {
        const v = c[a * D + b]! / (n - 1);
        c[a * D + b] = v;
        c[b * D + a] = v;
      }
    }
    for (let i = 0; i < dx; i++) for (let j = 0; j < dx; j++) cx[i * dx + j] = c[i * D + j]!;
    for (let i = 0; i < dy; i++) for (let j = 0; j < dy; j++) cy[i * dy + j] = c[(dx + i) * D + dx + j]!;
    const lx = logDetSpdWith(cx, dx, l), ly = logDetSpdWith(cy, dy, l), lxy = logDetSpdWith(c, D, l);
    if (Number.isNaN(lx) || Number.isNaN(ly) || Number.isNaN(lxy)) return NaN;
    return 0.5 * (lx + ly - lxy);
  };
}
