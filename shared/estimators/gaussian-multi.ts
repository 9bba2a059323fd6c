/**
 * Gaussian (parametric) multivariate measures from the sample covariance C, using the
 * differential entropy of a Gaussian, h(X) = ½ ln((2πe)^d |Σ|) (Cover & Thomas, Elements of
 * Information Theory, 2nd ed., Theorem 8.4.1); the (2πe) terms cancel in every difference:
 *
 *   TC  = ½ ( Σ_d ln C_dd − ln|C| )                              (Σ_d h(X_d) − h(X))
 *   DTC = ½ ( Σ_d ln|C_{−d,−d}| − (D − 1) ln|C| )                (Σ_d h(X_{−d}) − (D − 1) h(X))
 *   Ω   = TC − DTC,  Σ = TC + DTC                                (Rosas et al., PRE 100, 032305 (2019))
 *   I(X;Y|Z) = ½ ( ln|C_xz| + ln|C_yz| − ln|C_z| − ln|C_xyz| )  (h(X,Z) + h(Y,Z) − h(Z) − h(X,Y,Z))
 *
 * (nats). C_{−d,−d} drops row and column d. Log-determinants by gaussian.ts' Cholesky
 * (`logDetSpd`), on the covariance with ddof = 1 (the scale cancels in every formula above:
 * each is balanced in dimensions). For D = 2, TC = DTC = gaussianMi and Ω = 0 exactly.
 *
 * @throws EstimatorError naming the block whose sample covariance is singular (a constant or
 *   collinear column, or too few rows), never NaN or −Infinity.
 * @example gaussianMultiInfo(x) // → { tc, dtc, oinfo, sinfo }
 * @example gaussianCmi(x, y, z)
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { covariance, logDetSpd } from './gaussian.js';
import { checkMultiShape, type MultiInfo } from './multi-info.js';

/** The principal submatrix of the D × D matrix `a` on rows and columns `idx`, in that order. */
function principal(a: Float64Array, D: number, idx: readonly number[]): Float64Array {
  const m = idx.length;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = a[idx[i]! * D + idx[j]!]!;
  return out;
}

/** ln|C[idx, idx]|, or an EstimatorError naming `what` when that block is not positive definite. */
function logDetOf(cov: Float64Array, D: number, idx: readonly number[], what: string, n: number): number {
  const v = logDetSpd(principal(cov, D, idx), idx.length);
  if (Number.isNaN(v)) {
    throw new EstimatorError(`gaussian: the sample covariance of ${what} is singular (a constant or collinear column, or too few rows: n = ${n})`);
  }
  return v;
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, t) => a + t);

/** TC, DTC, Ω and Σ of the columns of x (D ≥ 2), Gaussian forms above. */
export function gaussianMultiInfo(x: Matrix): MultiInfo {
  checkMultiShape(x, 'gaussian multi-information');
  const D = x.d;
  const cov = covariance(x);
  // smallest blocks first, so that a constant column is named as such; the sums run over d
  // in order 0..D−1, as in multi-info.ts
  let single = 0, rest = 0;
  for (let d = 0; d < D; d++) single += logDetOf(cov, D, [d], `variable ${d + 1} (column ${d})`, x.n);
  for (let d = 0; d < D; d++) {
    rest += logDetOf(cov, D, range(0, D).filter((t) => t !== d), `all variables but ${d + 1} (column ${d})`, x.n);
  }
  const all = logDetOf(cov, D, range(0, D), `all ${D} variables`, x.n);
  const tc = 0.5 * (single - all);
  const dtc = 0.5 * (rest - (D - 1) * all);
  return { tc, dtc, oinfo: tc - dtc, sinfo: tc + dtc };
}

/** Gaussian conditional MI I(X;Y|Z) in nats (x, y, z with the same n; z at least one column). */
export function gaussianCmi(x: Matrix, y: Matrix, z: Matrix): number {
  if (z.d < 1) throw new EstimatorError('gaussian cmi needs at least one conditioning column (z)');
  const D = x.d + y.d + z.d;
  const cov = covariance(hstack(x, y, z));
  const xi = range(0, x.d), yi = range(x.d, x.d + y.d), zi = range(x.d + y.d, D);
  const lz = logDetOf(cov, D, zi, 'z', x.n);
  const lxz = logDetOf(cov, D, [...xi, ...zi], '(x, z)', x.n);
  const lyz = logDetOf(cov, D, [...yi, ...zi], '(y, z)', x.n);
  const lxyz = logDetOf(cov, D, range(0, D), 'the joint (x, y, z)', x.n);
  return 0.5 * (lxz + lyz - lz - lxyz);
}
