/**
 * Gaussian-copula mutual information: Ince, Giordano, Kayser, Rousselet, Gross, Schyns, "A
 * statistical framework for neuroimaging data analysis based on mutual information estimated
 * via a Gaussian copula", Hum. Brain Mapp. 38 (2017) 1541: copula normalisation of each
 * variable by its empirical CDF, g = Φ⁻¹(u), then the parametric Gaussian MI:
 *
 *   per column: ordinal ranks r = 1..N (ties in order of appearance: a stable sort),
 *               g = Φ⁻¹( r / (N + 1) )
 *   I = ½ ( ln|Σ_gx| + ln|Σ_gy| − ln|Σ_gxgy| )    (gaussian.ts, no bias correction)   (nats)
 *
 * A lower bound on the MI of the original variables; invariant to strictly increasing
 * transforms of each column (the ranks, hence g, are unchanged bit for bit).
 *
 * @throws EstimatorError when the copula covariance is singular (e.g. two identical columns in x).
 * @example gcmiMi(x, y)
 */
import type { Matrix } from '../data/matrix.js';
import { EstimatorError } from '../errors.js';
import { columnOrder } from '../knn/index.js';
import { ndtri } from '../stats/normal.js';
import { gaussianMi } from './gaussian.js';

/**
 * Φ⁻¹(r / (N + 1)) for r = 1..N, kept for the last N asked for: every column of an estimate,
 * and every replicate of a resampling loop (same N), reuses it. ndtri costs ~1e-5 s a value
 * (its erfc continued fraction), so the table dominated the estimate at N = 1e5 otherwise.
 */
let scores: Float64Array = new Float64Array(0);
function normalScores(n: number): Float64Array {
  if (scores.length !== n) {
    const g = new Float64Array(n);
    for (let r = 0; r < n; r++) g[r] = ndtri((r + 1) / (n + 1));
    scores = g;
  }
  return scores;
}

/** The copula-normalised block: every column replaced by Φ⁻¹(rank / (N + 1)). */
export function copulaNormalize(m: Matrix): Matrix {
  const { n, d } = m;
  const out = new Float64Array(n * d);
  const col = new Float64Array(n);
  const g = normalScores(n);
  for (let j = 0; j < d; j++) {
    // + 0 turns −0 into +0: equal values must tie (the radix order would put −0 first)
    for (let i = 0; i < n; i++) col[i] = m.data[i * d + j]! + 0;
    const rank = columnOrder(col, 1, 0).rank; // stable: equal values keep their row order
    for (let i = 0; i < n; i++) out[i * d + j] = g[rank[i]!]!;
  }
  return { n, d, data: out };
}

/** Gaussian-copula MI estimate of I(X;Y) in nats. Assumes validated input (equal n). */
export function gcmiMi(x: Matrix, y: Matrix): number {
  try {
    return gaussianMi(copulaNormalize(x), copulaNormalize(y));
  } catch (err) {
    if (err instanceof EstimatorError) throw new EstimatorError(`gcmi (on the copula-normalised columns): ${err.message}`, { cause: err });
    throw err;
  }
}
