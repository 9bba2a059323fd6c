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
import { ensureDigammaTable } from '../stats/special.js';
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
  const psi = ensureDigammaTable(n + 1);
  const dist = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    joint.knn(i, k, dist, null, 0);
    const r = strictRadius(dist[k - 1]!, tol);
    sum +=
      psi[countOthersStrict(xzc, xzq, i, r) + 1]! +
      psi[countOthersStrict(yzc, yzq, i, r) + 1]! -
      psi[countOthersStrict(zc, zq, i, r) + 1]!;
  }
  return psi[k]! - sum / n;
}

/** Frenzel–Pompe estimate of I(X;Y|Z) in nats. Assumes validated input. */
export function ksgCmi(x: Matrix, y: Matrix, z: Matrix, k: number): number {
  const xz = hstack(x, z), yz = hstack(y, z);
  return ksgCmiFromParts(neighbourIndex(hstack(x, y, z)), xz, rangeCounter(xz), yz, rangeCounter(yz), z, rangeCounter(z), k, tieTolerance(x, y, z));
}
