/**
 * Kullback–Leibler divergence D(P‖Q) from samples: Wang, Kulkarni, Verdú, "Divergence
 * estimation for multidimensional densities via k-nearest-neighbor distances", IEEE Trans.
 * Inf. Theory 55(5) (2009) 2392, eq. (5), with the max-norm (the ball volumes cancel, so any
 * norm used for both distances gives the same formula):
 *
 *   ρ_k(i) = k-th neighbour distance of x_i among the P sample (N points, self excluded)
 *   ν_k(i) = k-th neighbour distance of x_i among the Q sample (M points)
 *   D̂ = (d/N) Σ ln( ν_k(i) / ρ_k(i) ) + ln( M / (N − 1) )          (nats)
 *
 * The `divergence` measure with estimator `kl` (shared/catalog/estimators.ts) calls this on the
 * two samples split by the label block.
 * @throws OptionError for bad k or mismatched dimensions; EstimatorError when a distance is
 *   0 (duplicates), with a hint to use jitter.
 * @example klDivergence(p, q, { k: 3 })
 */
import type { Matrix } from '../data/matrix.js';
import { DataError, EstimatorError, OptionError } from '../errors.js';
import { KdTree } from '../knn/index.js';

export interface KlDivergenceOptions {
  /** @default 3 */
  k?: number;
}

export function klDivergence(p: Matrix, q: Matrix, opts: KlDivergenceOptions = {}): number {
  const k = opts.k ?? 3;
  if (!Number.isInteger(k) || k < 1) throw new OptionError(`k must be a positive integer, got ${k}`, 'k');
  if (p.d !== q.d) throw new DataError(`P has ${p.d} columns but Q has ${q.d}: samples must share the space`);
  if (k >= p.n) throw new EstimatorError(`kl divergence with k = ${k} needs at least ${k + 1} rows in the P sample, got ${p.n}`);
  if (k > q.n) throw new EstimatorError(`kl divergence with k = ${k} needs at least ${k} rows in the Q sample, got ${q.n}`);
  const { n, d } = p;
  const tp = new KdTree(p), tq = new KdTree(q);
  const a = new Float64Array(k), b = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    tp.knn(i, k, a, null, 0);
    tq.knnPoint(p.data, i * d, k, b, null, 0);
    const rho = a[k - 1]!, nu = b[k - 1]!;
    if (rho === 0 || nu === 0) {
      throw new EstimatorError(
        `kl divergence: row ${i} of P has ${k} or more exact duplicates in the ${rho === 0 ? 'P' : 'Q'} sample (zero ` +
          `k-th neighbour distance); add a small seeded noise with the 'jitter' option, or use a larger k`,
      );
    }
    sum += Math.log(nu / rho);
  }
  return (d / n) * sum + Math.log(q.n / (n - 1));
}
