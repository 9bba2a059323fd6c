/**
 * Kozachenko–Leonenko differential entropy, max-norm form (Kozachenko & Leonenko, Probl.
 * Inf. Transm. 23 (1987) 95; kNN form as in Kraskov et al., PRE 69 066138 (2004), eq. (20)
 * with c_d = 2^d, the max-norm unit ball volume):
 *
 *   ρ_i = distance from x_i to its k-th nearest neighbour (self excluded)
 *   H = ψ(N) − ψ(k) + d ln 2 + (d/N) Σ ln ρ_i          (nats)
 *
 * @throws EstimatorError when some ρ_i = 0 (a point with k or more exact duplicates would
 *   make H = −∞); the message names the row and suggests `jitter`.
 * @example klEntropy(x, 3)
 */
import type { Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { neighbourIndex, type NeighbourIndex } from '../knn/index.js';
import { ensureDigammaTable } from '../stats/special.js';

/** The estimator over a prebuilt index of the rows of x. */
export function klEntropyFromIndex(index: NeighbourIndex, k: number): number {
  const { n, d } = index;
  const psi = ensureDigammaTable(n + 1);
  const dist = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    index.knn(i, k, dist, null, 0);
    const rho = dist[k - 1]!;
    if (rho === 0) {
      throw new EstimatorError(
        `kl entropy: row ${i} has ${k} or more exact duplicates, so its k-th neighbour distance is 0 and the ` +
          `estimate would be -Infinity; add a small seeded noise with the 'jitter' option, or use a larger k`,
      );
    }
    sum += Math.log(rho);
  }
  return psi[n]! - psi[k]! + d * Math.LN2 + (d / n) * sum;
}

/** Kozachenko–Leonenko entropy of the rows of x, in nats. */
export function klEntropy(x: Matrix, k: number): number {
  return klEntropyFromIndex(neighbourIndex(x), k);
}
