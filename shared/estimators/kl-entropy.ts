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
import { klFromCounts } from './point-counts.js';
import type { Matrix } from '../data/matrix.js';
import { neighbourIndex, type NeighbourIndex } from '../knn/index.js';

/** The estimator over a prebuilt index of the rows of x. */
export function klEntropyFromIndex(index: NeighbourIndex, k: number): number {
  const { n, d } = index;
  const dist = new Float64Array(k);
  const eps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    index.knn(i, k, dist, null, 0);
    eps[i] = dist[k - 1]!;
  }
  return klFromCounts({ n, eps, counts: [], dim: d }, k);
}

/** Kozachenko–Leonenko entropy of the rows of x, in nats. */
export function klEntropy(x: Matrix, k: number): number {
  return klEntropyFromIndex(neighbourIndex(x), k);
}
