/**
 * Conditional MI by KSG algorithm 2: Kraskov, Stögbauer, Grassberger, PRE 69 (2004) 066138,
 * eq. (9), carried to the conditional case as Frenzel & Pompe (PRL 99 (2007) 204101) did for
 * algorithm 1; the form with the 1/n corrections is Wibral, Vicente & Lindner (in "Directed
 * Information Measures in Neuroscience", Springer 2014, pp. 3–36) and JIDT's
 * ConditionalMutualInfoCalculatorMultiVariateKraskov2 (the KSG-2 CMI of Vejmelka & Paluš,
 * PRE 77 (2008) 026214). Max-norm in every space:
 *
 *   the k joint (x, y, z) neighbours of i (ties by smaller row index, as NeighbourIndex.knn);
 *   ε_x(i), ε_y(i), ε_z(i) = the largest x, y, z distances among them;
 *   n_xz(i) = #{ j ≠ i : ‖x_j − x_i‖ ≤ ε_x and ‖z_j − z_i‖ ≤ ε_z }  (a rectangle, not a ball)
 *   n_yz(i) likewise with ε_y, ε_z;  n_z(i) = #{ j ≠ i : ‖z_j − z_i‖ ≤ ε_z }
 *   I(X;Y|Z) = ψ(k) − 2/k + ⟨ ψ(n_z) − ψ(n_xz) − ψ(n_yz) + 1/n_xz + 1/n_yz ⟩          (nats)
 *
 * (2/k: the joint space has three blocks, (3 − 1)/k; each two-block marginal adds 1/n, eq. (9)'s
 * derivation applied space by space.) The rectangle counts need per-block radii, which the
 * max-norm ball counters of knn/ do not answer, so the counts are a scan over the rows: O(N²).
 * Count radii are tie-adjusted (ties.ts) like ksg2.ts.
 */
import { hstack, type Matrix } from '../data/matrix.js';
import { maxNorm, neighbourIndex } from '../knn/index.js';
import { ensureDigammaTable } from '../stats/special.js';
import { inclusiveRadius, tieTolerance } from './ties.js';

/** KSG-2 estimate of I(X;Y|Z) in nats. Assumes validated input (equal n, 1 ≤ k < n). */
export function ksg2Cmi(x: Matrix, y: Matrix, z: Matrix, k: number): number {
  const n = x.n;
  const psi = ensureDigammaTable(n + 1);
  const tol = tieTolerance(x, y, z);
  const joint = neighbourIndex(hstack(x, y, z));
  const dist = new Float64Array(k), idx = new Int32Array(k);
  const X = x.data, Y = y.data, Z = z.data, dx = x.d, dy = y.d, dz = z.d;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    joint.knn(i, k, dist, idx, 0);
    let ex = 0, ey = 0, ez = 0;
    for (let t = 0; t < k; t++) {
      const j = idx[t]!;
      ex = Math.max(ex, maxNorm(X, j * dx, X, i * dx, dx));
      ey = Math.max(ey, maxNorm(Y, j * dy, Y, i * dy, dy));
      ez = Math.max(ez, maxNorm(Z, j * dz, Z, i * dz, dz));
    }
    const rx = inclusiveRadius(ex, tol), ry = inclusiveRadius(ey, tol), rz = inclusiveRadius(ez, tol);
    let nz = 0, nxz = 0, nyz = 0;
    for (let j = 0; j < n; j++) {
      if (j === i || maxNorm(Z, j * dz, Z, i * dz, dz) > rz) continue;
      nz++;
      if (maxNorm(X, j * dx, X, i * dx, dx) <= rx) nxz++;
      if (maxNorm(Y, j * dy, Y, i * dy, dy) <= ry) nyz++;
    }
    // the k neighbours lie in every rectangle, so each count is ≥ k ≥ 1
    sum += psi[nz]! - psi[nxz]! - psi[nyz]! + 1 / nxz + 1 / nyz;
  }
  return psi[k]! - 2 / k + sum / n;
}
