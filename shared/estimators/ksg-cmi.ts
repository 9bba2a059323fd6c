/**
 * Conditional mutual information I(X;Y|Z), Frenzel & Pompe, "Partial mutual information for
 * coupling analysis of multivariate time series", Phys. Rev. Lett. 99, 204101 (2007), eq. (4)
 * (the KSG-1 construction), max-norm everywhere:
 *
 *   ε_i from the joint (x, y, z) space; strict counts (self excluded) in XZ, YZ and Z:
 *   I(X;Y|Z) = ψ(k) − ⟨ ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1) ⟩          (nats)
 *
 * Radii are tie-adjusted (ties.ts).
 *
 * @example ksgCmi(x, y, z, 4)
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { neighbourIndex, rangeCounter, type NeighbourIndex, type RangeCounter } from '../knn/index.js';
import { ksgCmiFromCounts } from './point-counts.js';
import { countOthersStrict } from './ksg1.js';
import { strictRadius, tieTolerance } from './ties.js';

/** Frenzel–Pompe from prebuilt parts: `joint` indexes rows (x, y, z) in the order of the query matrices. */
export function ksgCmiFromParts(
  joint: NeighbourIndex,
  xzq: Matrix,
  xzc: RangeCounter,
  yzq: Matrix,
  yzc: RangeCounter,
  zq: Matrix,
  zc: RangeCounter,
  k: number,
  tol: number,
): number {
  const n = zq.n;
  const dist = new Float64Array(k);
  const eps = new Float64Array(n), a = new Int32Array(n), b = new Int32Array(n), c = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    joint.knn(i, k, dist, null, 0);
    eps[i] = dist[k - 1]!;
    const r = strictRadius(eps[i]!, tol);
    a[i] = countOthersStrict(xzc, xzq, i, r);
    b[i] = countOthersStrict(yzc, yzq, i, r);
    c[i] = countOthersStrict(zc, zq, i, r);
  }
  return ksgCmiFromCounts({ n, eps, counts: [a, b, c], dim: xzq.d + yzq.d - zq.d }, k);
}

/** Frenzel–Pompe estimate of I(X;Y|Z) in nats. Assumes validated input. */
export function ksgCmi(x: Matrix, y: Matrix, z: Matrix, k: number): number {
  const xz = hstack(x, z), yz = hstack(y, z);
  return ksgCmiFromParts(neighbourIndex(hstack(x, y, z)), xz, rangeCounter(xz), yz, rangeCounter(yz), z, rangeCounter(z), k, tieTolerance(x, y, z));
}
